import Foundation

/// A debtor's proposal to pay some open items in monthly instalments (Ratenzahlungsangebot).
/// Finance accepts it — a `PaymentPlan` over the same items is made, and dunning waits while it
/// is kept — or declines it.
public struct InstalmentProposal: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case pending, accepted, declined
    }

    public let id: String
    public let customerID: String
    public let invoiceIDs: [String]
    public let currency: String
    /// What was open on the items when the debtor proposed.
    public let amount: Int64
    public let instalments: Int
    public let firstDueDate: LocalDate
    public let message: String
    public var status: Status
    public var paymentPlanID: String?
    public var decisionNote: String?
    public let createdAt: Date
    public var decidedAt: Date?

    public init(
        id: String, customerID: String, invoiceIDs: [String], currency: String, amount: Int64, instalments: Int,
        firstDueDate: LocalDate, message: String, status: Status = .pending, paymentPlanID: String? = nil,
        decisionNote: String? = nil, createdAt: Date, decidedAt: Date? = nil
    ) {
        self.id = id
        self.customerID = customerID
        self.invoiceIDs = invoiceIDs
        self.currency = currency
        self.amount = amount
        self.instalments = instalments
        self.firstDueDate = firstDueDate
        self.message = message
        self.status = status
        self.paymentPlanID = paymentPlanID
        self.decisionNote = decisionNote
        self.createdAt = createdAt
        self.decidedAt = decidedAt
    }

    /// The schedule: `count` monthly instalments from `first` (a 31st falls on the last day of a
    /// shorter month), as equal as possible, the first ones carrying the extra minor units; they
    /// sum to `amount` exactly.
    public static func schedule(amount: Int64, count: Int, first: LocalDate) -> [PaymentPlan.Instalment] {
        let parts = (try? Money(minorUnits: amount, currency: .eur).split(into: count)) ?? []
        return parts.enumerated().map { i, part in
            PaymentPlan.Instalment(dueDate: first.adding(months: i), amount: part.minorUnits)
        }
    }

    /// The rules a proposal must keep: 2 to 12 instalments, the first due from today to 30 days
    /// ahead, each instalment at least 1 % of the amount and the message at most 1000 characters.
    public static func problems(
        amount: Int64, count: Int?, first: LocalDate?, message: String, today: LocalDate
    ) -> [FieldError] {
        var errors: [FieldError] = []
        if let count {
            if !(2...12).contains(count) {
                errors.append(FieldError(field: "instalments", message: "must be 2 to 12 monthly instalments"))
            }
        } else {
            errors.append(FieldError(field: "instalments", message: "must be a number of instalments, 2 to 12"))
        }
        if let first {
            if first < today || first > today.adding(days: 30) {
                errors.append(
                    FieldError(
                        field: "first_due_date",
                        message: "must be from \(today) to \(today.adding(days: 30)) (within 30 days)"))
            }
        } else {
            errors.append(FieldError(field: "first_due_date", message: "must be a date YYYY-MM-DD"))
        }
        if message.count > 1000 {
            errors.append(FieldError(field: "message", message: "must be at most 1000 characters"))
        }
        if amount <= 0 {
            errors.append(FieldError(field: "invoices", message: "must name open items with something still owed"))
        }
        return errors
    }
}
