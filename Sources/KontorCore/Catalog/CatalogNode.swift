/// A plan definition as a tree, independent of whether it came from a YAML file (with line
/// numbers) or a JSON request body (without). The parser reads only this.
public struct CatalogNode: Sendable {
    public indirect enum Value: Sendable {
        case string(String)
        case integer(Int64)
        case number(String)
        case bool(Bool)
        case null
        case list([CatalogNode])
        case map([(key: String, node: CatalogNode)])
    }

    public let value: Value
    /// 1-based line in the source file, when there is one.
    public let line: Int?

    public init(_ value: Value, line: Int? = nil) {
        self.value = value
        self.line = line
    }

    var typeName: String {
        switch value {
        case .string: "a string"
        case .integer: "an integer"
        case .number: "a decimal number"
        case .bool: "a boolean"
        case .null: "null"
        case .list: "a list"
        case .map: "a mapping"
        }
    }
}

/// One problem in a plan definition: the field path (`charges[1].tiers[0].up_to`), its line
/// when known, and what is wrong.
public struct CatalogIssue: Hashable, Sendable, CustomStringConvertible {
    public let field: String
    public let line: Int?
    public let message: String

    public init(field: String, line: Int?, message: String) {
        self.field = field
        self.line = line
        self.message = message
    }

    public var description: String { "\(line.map { "line \($0): " } ?? "")\(field) \(message)" }
}
