import Foundation

/// Which e-mail a template writes.
public enum MessageTemplateKind: String, Sendable, Codable, CaseIterable {
    case invoice
    case creditNote = "credit_note"
    case dunningNotice = "dunning_notice"
    case receipt
    case cardExpiry = "card_expiry"
}

/// A tenant's e-mail template for one kind and language: Mustache for the subject, the text
/// part and the HTML part (the HTML part escapes what it inserts, the others do not).
public struct MessageTemplate: Sendable, Equatable {
    public static let languages = ["de", "en"]
    /// The most a part may hold.
    public static let maxLength = 20_000

    public let kind: MessageTemplateKind
    public let language: String
    public var subject: String
    public var text: String
    public var html: String

    public init(kind: MessageTemplateKind, language: String, subject: String, text: String, html: String) {
        self.kind = kind
        self.language = language
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// Lengths and shape; that each part parses as Mustache is checked where Mustache is known.
    public func problems() -> [FieldError] {
        var errors: [FieldError] = []
        for (field, value) in [("subject", subject), ("text", text), ("html", html)] {
            if value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                errors.append(FieldError(field: field, message: "is required"))
            } else if value.count > (field == "subject" ? 300 : Self.maxLength) {
                errors.append(
                    FieldError(
                        field: field, message: "must be at most \(field == "subject" ? 300 : Self.maxLength) characters"
                    ))
            }
        }
        if subject.contains("\n") || subject.contains("\r") {
            errors.append(FieldError(field: "subject", message: "must be one line"))
        }
        return errors
    }
}
