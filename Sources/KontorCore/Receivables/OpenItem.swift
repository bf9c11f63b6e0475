/// What part of a claim an open item is (§ 367 (1) BGB): costs (dunning fees, the flat fee,
/// passed-on return fees), default interest, or the principal (an invoice).
public enum ClaimPart: String, Hashable, Sendable, CaseIterable, Comparable {
    case costs
    case interest
    case principal

    /// The billing reason of the item tells its part.
    public init(billingReason: String) {
        switch billingReason {
        case "interest": self = .interest
        case "dunning_fee", "return_fee": self = .costs
        default: self = .principal
        }
    }

    /// The order § 367 (1) BGB pays them in, within one claim.
    public static func < (a: ClaimPart, b: ClaimPart) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// A receivable that is (or was) open: an invoice or a fee item, seen from the debtor's side.
///
/// `open` is what is still owed: total − payments − credit notes − write-offs, all taken from
/// the append-only allocation table, so the same item "as of" an earlier day is rebuilt from the
/// allocations booked up to that day.
public struct OpenItem: Hashable, Sendable {
    public let id: String
    public let number: String
    public let customerID: String
    public let issueDate: LocalDate
    public let dueDate: LocalDate
    public let total: Int64
    public let open: Int64
    public let currency: String
    /// Costs, interest or principal.
    public var part: ClaimPart = .principal
    /// The claim (principal invoice) this item belongs to; its own id for a principal.
    public var claimID: String
    /// For a principal: the day it fell into default (§ 286 BGB), once it has.
    public var defaultSince: LocalDate?
    /// For a principal: the last day default interest has been charged for.
    public var interestThrough: LocalDate?

    public init(
        id: String, number: String, customerID: String, issueDate: LocalDate, dueDate: LocalDate, total: Int64,
        open: Int64, currency: String, part: ClaimPart = .principal, claimID: String? = nil,
        defaultSince: LocalDate? = nil, interestThrough: LocalDate? = nil
    ) {
        self.part = part
        self.claimID = claimID ?? id
        self.defaultSince = defaultSince
        self.interestThrough = interestThrough
        self.id = id
        self.number = number
        self.customerID = customerID
        self.issueDate = issueDate
        self.dueDate = dueDate
        self.total = total
        self.open = open
        self.currency = currency
    }

    /// Days past the due date on `day`; 0 or less while not yet due.
    public func daysPastDue(on day: LocalDate) -> Int { dueDate.days(to: day) }
}
