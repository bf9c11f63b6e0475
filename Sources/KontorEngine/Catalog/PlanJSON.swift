import Foundation
import KontorCore
import KontorStore

/// A plan version as the API shows it: the definition (the same fields as a `Plans/*.yaml`
/// file) plus `version`, `source` and `created_at`.
public enum PlanJSON {
    public static func encode(_ version: PlanVersion) throws -> Data {
        let definition = try JSONEncoder().encode(version.plan)
        guard var object = try JSONSerialization.jsonObject(with: definition) as? [String: Any] else {
            return definition
        }
        object["object"] = "plan"
        object["version"] = version.version
        object["source"] = version.source
        object["created_at"] = RFC3339.string(version.createdAt)
        return try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    public static func encodeList(_ versions: [PlanVersion]) throws -> Data {
        let items = try versions.map { try JSONSerialization.jsonObject(with: encode($0)) }
        return try JSONSerialization.data(
            withJSONObject: ["object": "list", "data": items, "has_more": false] as [String: Any],
            options: [.sortedKeys, .withoutEscapingSlashes]
        )
    }
}
