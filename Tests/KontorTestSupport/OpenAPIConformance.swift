import Foundation
import HTTPTypes

/// Checks live responses against `/openapi.json`: the operation must be documented with the
/// status it answered, and a JSON body must fit the response schema. Objects are closed — a
/// field the schema does not name is a violation — so every value the API emits is documented.
///
/// Validates the JSON Schema subset the document uses: `type` (one or several), `properties`,
/// `required`, `additionalProperties`, `items`, `enum`, `const`, `$ref`, `oneOf`/`anyOf`.
public struct OpenAPIConformance: Sendable {
    public struct Violation: Error, CustomStringConvertible {
        public let description: String
    }

    let document: [String: any Sendable]

    public static let shared: OpenAPIConformance = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/KontorAPI/Resources/openapi.json")
        let data = try! Data(contentsOf: url)
        return OpenAPIConformance(document: try! JSONSerialization.jsonObject(with: data) as! [String: any Sendable])
    }()

    /// The documented path template that `path` matches (`/v1/invoices/{id}`).
    func template(for path: String) -> String? {
        let paths = document["paths"] as! [String: Any]
        let segments = path.split(separator: "/", omittingEmptySubsequences: false)
        var best: (String, Int)?
        for template in paths.keys {
            let parts = template.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.count == segments.count else { continue }
            var literal = 0
            var matches = true
            for (p, s) in zip(parts, segments) {
                if p.hasPrefix("{") { continue }
                if p != s {
                    matches = false
                    break
                }
                literal += 1
            }
            if matches, literal > (best?.1 ?? -1) { best = (template, literal) }
        }
        return best?.0
    }

    public func check(method: HTTPRequest.Method, uri: String, status: Int, contentType: String?, body: Data) throws {
        let path = String(uri.split(separator: "?", maxSplits: 1).first ?? "")
        guard let template = template(for: path) else {
            if status == 404 { return }
            throw Violation(description: "\(method) \(path): no documented path")
        }
        let item = (document["paths"] as! [String: Any])[template] as! [String: Any]
        guard let operation = item[method.rawValue.lowercased()] as? [String: Any] else {
            if status == 405 || status == 404 { return }
            throw Violation(description: "\(method) \(template): not documented (answered \(status))")
        }
        let responses = operation["responses"] as? [String: Any] ?? [:]
        guard var response = (responses[String(status)] ?? responses["default"]) as? [String: Any] else {
            throw Violation(description: "\(method) \(template): status \(status) not documented")
        }
        if let ref = response["$ref"] as? String { response = resolve(ref) }
        guard let contentType, contentType.contains("json"), !body.isEmpty else { return }
        let content = response["content"] as? [String: Any] ?? [:]
        guard
            let media =
                (content.first { contentType.hasPrefix($0.key) }?.value
                ?? content["application/json"]) as? [String: Any],
            let schema = media["schema"]
        else { throw Violation(description: "\(method) \(template) \(status): no schema for \(contentType)") }
        let value = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
        var problems: [String] = []
        validate(value, schema, at: "$", into: &problems)
        if !problems.isEmpty {
            throw Violation(
                description: "\(method) \(template) \(status): " + problems.prefix(5).joined(separator: "; "))
        }
    }

    func resolve(_ ref: String) -> [String: Any] {
        var node: Any = document
        for part in ref.dropFirst(2).split(separator: "/") { node = (node as! [String: Any])[String(part)]! }
        return node as! [String: Any]
    }

    func typeName(_ value: Any) -> String {
        switch value {
        case is NSNull: return "null"
        case let n as NSNumber:
            if String(cString: n.objCType) == "c" { return "boolean" }
            return n.doubleValue == n.doubleValue.rounded() ? "integer" : "number"
        case is String: return "string"
        case is [Any]: return "array"
        case is [String: Any]: return "object"
        default: return "unknown"
        }
    }

    func validate(_ value: Any, _ schemaAny: Any, at path: String, into problems: inout [String]) {
        guard var schema = schemaAny as? [String: Any] else { return }
        if let ref = schema["$ref"] as? String { schema = resolve(ref) }
        for key in ["oneOf", "anyOf"] {
            if let options = schema[key] as? [Any] {
                let fits = options.contains { option in
                    var p: [String] = []
                    validate(value, option, at: path, into: &p)
                    return p.isEmpty
                }
                if !fits { problems.append("\(path) fits none of \(key)") }
                return
            }
        }
        let actual = typeName(value)
        if let c = schema["const"] {
            if "\(c)" != "\(value)" { problems.append("\(path) is \(value), not \(c)") }
        }
        if let options = schema["enum"] as? [Any], !options.contains(where: { "\($0)" == "\(value)" }) {
            problems.append("\(path) = \(value) is not one of \(options)")
        }
        var types: [String] = []
        if let t = schema["type"] as? String { types = [t] }
        if let t = schema["type"] as? [String] { types = t }
        if !types.isEmpty {
            let ok = types.contains(actual) || (actual == "integer" && types.contains("number"))
            if !ok {
                problems.append("\(path) is \(actual), not \(types.joined(separator: "|"))")
                return
            }
        }
        if let object = value as? [String: Any] {
            let properties = schema["properties"] as? [String: Any]
            for key in (schema["required"] as? [String]) ?? [] where object[key] == nil {
                problems.append("\(path).\(key) is required")
            }
            for (key, child) in object {
                if let property = properties?[key] {
                    validate(child, property, at: "\(path).\(key)", into: &problems)
                } else if let extra = schema["additionalProperties"] as? [String: Any] {
                    validate(child, extra, at: "\(path).\(key)", into: &problems)
                } else if properties != nil, (schema["additionalProperties"] as? Bool) != true {
                    problems.append("\(path).\(key) is not documented")
                }
            }
        }
        if let array = value as? [Any], let items = schema["items"] {
            for (i, element) in array.enumerated() { validate(element, items, at: "\(path)[\(i)]", into: &problems) }
        }
    }
}
