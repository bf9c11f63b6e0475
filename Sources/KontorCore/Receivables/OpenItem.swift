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

    public init(
        id: String, number: String, customerID: String, issueDate: LocalDate, dueDate: LocalDate, total: Int64,
        open: Int64, currency: String
    ) {
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
