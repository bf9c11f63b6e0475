/// An agreed schedule of instalments over some of a customer's open items (Ratenzahlung).
///
/// While the plan is kept — everything due on it before today has been paid on its items since
/// it began — dunning leaves those items alone. A plan in arrears is dunned again; one that
/// catches up is kept again. A plan whose items are all settled is completed.
public struct PaymentPlan: Hashable, Sendable {
    public struct Instalment: Hashable, Sendable {
        public let dueDate: LocalDate
        public let amount: Int64

        public init(dueDate: LocalDate, amount: Int64) {
            self.dueDate = dueDate
            self.amount = amount
        }
    }

    public enum Status: String, Hashable, Sendable {
        /// Kept: dunning waits for its items.
        case active
        case inArrears = "in_arrears"
        /// Nothing is open on its items any more.
        case completed
    }

    public let id: String
    public let customerID: String
    public let invoiceIDs: [String]
    public let instalments: [Instalment]
    public let startDate: LocalDate

    public init(id: String, customerID: String, invoiceIDs: [String], instalments: [Instalment], startDate: LocalDate) {
        self.id = id
        self.customerID = customerID
        self.invoiceIDs = invoiceIDs
        self.instalments = instalments
        self.startDate = startDate
    }

    /// What fell due before `day`: an instalment due today may still be paid today.
    public func dueBefore(_ day: LocalDate) -> Int64 {
        instalments.filter { $0.dueDate < day }.reduce(0) { $0 + $1.amount }
    }

    /// - Parameters:
    ///   - paid: paid on the plan's items since it began (payments, returns, customer credit).
    ///   - itemsOpen: whether any of its items is still open.
    public func status(paid: Int64, itemsOpen: Bool, on day: LocalDate) -> Status {
        guard itemsOpen else { return .completed }
        return paid >= dueBefore(day) ? .active : .inArrears
    }
}
