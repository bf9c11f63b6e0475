import Foundation

/// A Mahnsperre: dunning of one item, or of every item of a customer, paused through a day
/// with a reason. Blocked items are not dunned, charged or acted on; the case itself goes on
/// with the others.
public struct DunningBlock: Hashable, Sendable {
    public let id: String
    public let customerID: String
    /// The blocked item; nil blocks the whole customer.
    public let invoiceID: String?
    public let reason: String
    /// Last day of the block, inclusive.
    public let until: LocalDate
    public let createdBy: String
    public let createdAt: Date
    public let liftedAt: Date?

    public init(
        id: String, customerID: String, invoiceID: String?, reason: String, until: LocalDate, createdBy: String,
        createdAt: Date, liftedAt: Date? = nil
    ) {
        self.id = id
        self.customerID = customerID
        self.invoiceID = invoiceID
        self.reason = reason
        self.until = until
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.liftedAt = liftedAt
    }

    /// Whether the block holds on `day`: not lifted, and not past its end.
    public func holds(on day: LocalDate) -> Bool { liftedAt == nil && day <= until }

    /// The longest a block may run: a block is a pause, not a write-off.
    public static let maxDays = 366

    /// What is wrong with a new block's reason and end date, set on `today`.
    public static func problems(reason: String, until: LocalDate?, today: LocalDate) -> [FieldError] {
        var errors: [FieldError] = []
        let trimmed = reason.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            errors.append(FieldError(field: "reason", message: "is required"))
        } else if trimmed.count > 500 {
            errors.append(FieldError(field: "reason", message: "must be at most 500 characters"))
        }
        if let until {
            if until < today {
                errors.append(FieldError(field: "until", message: "must not be before today (\(today))"))
            } else if today.days(to: until) > maxDays {
                errors.append(FieldError(field: "until", message: "must be at most \(maxDays) days ahead"))
            }
        } else {
            errors.append(FieldError(field: "until", message: "is required (YYYY-MM-DD)"))
        }
        return errors
    }
}
