import Foundation
import HTTPTypes

/// Which methods each documented path answers, read once from `/openapi.json` (a test keeps
/// the document and the router in step). A request to a known path with another method is a
/// 405 with `Allow`, not a 404: the resource exists.
enum AllowedMethods {
    static let table: [(segments: [Substring], methods: [String])] = {
        guard let data = try? OpenAPIDocument.data(),
            let document = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let paths = document["paths"] as? [String: Any]
        else { return [] }
        let verbs = ["get", "post", "put", "patch", "delete"]
        return paths.compactMap { path, item in
            guard let item = item as? [String: Any] else { return nil }
            let methods = verbs.filter { item[$0] != nil }.map { $0.uppercased() }
            return (path.split(separator: "/", omittingEmptySubsequences: false), methods)
        }
    }()

    /// The methods of the documented path `path` matches, or nil when it matches none.
    static func methods(for path: String) -> [String]? {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var found: [String]?
        for entry in table where entry.segments.count == segments.count {
            let matches = zip(entry.segments, segments).allSatisfy { t, s in t.hasPrefix("{") || t == s }
            if matches { found = (found ?? []) + entry.methods }
        }
        return found
    }
}
