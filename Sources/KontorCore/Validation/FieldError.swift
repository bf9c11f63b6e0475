/// One problem with one input field, named the way the client sent it (`address.country`).
public struct FieldError: Hashable, Sendable, Codable {
    public let field: String
    public let message: String

    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }
}

/// Bad input: every field that is wrong, not just the first. Maps to a 422 problem answer.
public struct ValidationError: Error, Hashable, Sendable {
    public let errors: [FieldError]

    public init(_ errors: [FieldError]) {
        self.errors = errors
    }

    public init(field: String, message: String) {
        self.errors = [FieldError(field: field, message: message)]
    }
}
