import Foundation

/// A write-off someone proposed from the work queue. Up to the tenant's threshold the proposer
/// writes off at once (status `written_off`); above it the item stays open, `pending`, until a
/// second person approves (it is then written off, `approved`) or rejects it — never the
/// proposer (four-eyes principle).
public struct WriteOffProposal: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case pending
        case approved
        case rejected
        case writtenOff = "written_off"
    }

    public var id: String
    public var invoiceID: String
    public var customerID: String
    public var amount: Int64
    public var currency: String
    public var reason: String
    public var status: Status
    public var proposedBy: String
    public var proposedAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?

    public init(
        id: String, invoiceID: String, customerID: String, amount: Int64, currency: String, reason: String,
        status: Status, proposedBy: String, proposedAt: Date, decidedBy: String? = nil, decidedAt: Date? = nil
    ) {
        self.id = id
        self.invoiceID = invoiceID
        self.customerID = customerID
        self.amount = amount
        self.currency = currency
        self.reason = reason
        self.status = status
        self.proposedBy = proposedBy
        self.proposedAt = proposedAt
        self.decidedBy = decidedBy
        self.decidedAt = decidedAt
    }
}

public enum WriteOffRules {
    /// Whether writing off `amount` needs a second person: strictly above the threshold.
    public static func needsApproval(_ amount: Int64, threshold: Int64) -> Bool { amount > threshold }

    /// Why `decider` may not decide a proposal of `proposer`; nil when they may.
    public static func decisionProblem(proposer: String, decider: String) -> String? {
        proposer == decider ? "a write-off is approved or rejected by someone other than who proposed it" : nil
    }

    public static func reasonProblems(_ reason: String) -> [FieldError] {
        let r = reason.trimmingWhitespace()
        if r.isEmpty { return [FieldError(field: "reason", message: "is required")] }
        if r.count > 500 { return [FieldError(field: "reason", message: "must be at most 500 characters")] }
        return []
    }
}
