/// Who made a change: an API key, a console user, or Kontor itself (a worker, a schedule).
public struct AuditActor: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case apiKey = "api_key"
        case user
        case system
    }

    public let kind: Kind
    public let id: String

    public init(kind: Kind, id: String) {
        self.kind = kind
        self.id = id
    }

    public static let system = AuditActor(kind: .system, id: "kontor")

    /// What a request may give as the reason of its change (`Kontor-Reason`): up to 500
    /// characters, one line of printable text.
    public static func reasonProblem(_ text: String) -> String? {
        if text.isEmpty || text.count > 500 { return "must be 1 to 500 characters" }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "must be one line without control characters"
        }
        return nil
    }
}
