import Foundation
import KontorCore

/// Any JSON value, decoded without a schema, so that request parsing can name the field that
/// has the wrong type and refuse fields it does not know (Codable would drop those silently).
indirect enum JSONValue: Decodable, Equatable, Sendable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .number(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The JSON type name, for messages ("expected a string, got a number").
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .integer, .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue {
    /// The same tree as a plan definition node (for `PUT /v1/plans/{code}`).
    var catalogNode: CatalogNode {
        switch self {
        case .null: CatalogNode(.null)
        case .bool(let b): CatalogNode(.bool(b))
        case .integer(let n): CatalogNode(.integer(n))
        case .number(let d): CatalogNode(.number(String(d)))
        case .string(let s): CatalogNode(.string(s))
        case .array(let items): CatalogNode(.list(items.map(\.catalogNode)))
        case .object(let object):
            CatalogNode(.map(object.keys.sorted().map { (key: $0, node: object[$0]!.catalogNode) }))
        }
    }
}
