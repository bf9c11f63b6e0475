import KontorCore

/// What moved an item's open amount.
public enum AllocationKind: String, Sendable, Hashable, Codable {
    case payment
    /// A payment taken back (returned debit, chargeback): a negative allocation.
    case paymentReturn = "payment_return"
    case creditNote = "credit_note"
    /// Customer credit applied to an invoice.
    case customerCredit = "customer_credit"
    case writeOff = "write_off"
}

/// One allocation to append. `amount` is positive when it reduces what is open, negative when
/// it reopens it.
public struct AllocationDraft: Sendable, Hashable {
    public let invoiceID: String
    public let customerID: String
    public let kind: AllocationKind
    public let sourceID: String
    public let amount: Int64
    public let currency: String

    public init(
        invoiceID: String, customerID: String, kind: AllocationKind, sourceID: String, amount: Int64, currency: String
    ) {
        self.invoiceID = invoiceID
        self.customerID = customerID
        self.kind = kind
        self.sourceID = sourceID
        self.amount = amount
        self.currency = currency
    }
}

/// An invoice whose status an allocation changed.
public struct StatusChange: Sendable, Hashable {
    public let invoiceID: String
    public let from: InvoiceStatus
    public let to: InvoiceStatus
}
