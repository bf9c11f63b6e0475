import Foundation

/// A payment as the payments API shows it: a gateway charge or money received otherwise.
public struct ReceivedPayment: Sendable, Equatable {
    public struct Share: Sendable, Equatable, Codable {
        public let invoice: String
        public let amount: Int64
        /// `costs`, `interest` or `principal`: what of its claim the share paid (§ 367 (1) BGB).
        public let part: String?

        public init(invoice: String, amount: Int64, part: String? = nil) {
            self.invoice = invoice
            self.amount = amount
            self.part = part
        }
    }

    public let id: String
    public let customerID: String
    /// The invoice a gateway charge was for.
    public let invoiceID: String?
    public let paymentMethodID: String?
    public let amount: Int64
    public let currency: String
    /// succeeded | failed
    public let status: PaymentStatus
    /// gateway | manual | bank_statement
    public let source: String
    public let reference: String?
    public let unallocated: Int64
    public let failureCode: String?
    public let reversedAt: Date?
    public let returnReason: String?
    public let returnFee: Int64?
    public let returnFeeInvoiceID: String?
    public let livemode: Bool
    public let createdAt: Date
    /// The end-to-end id the money was collected (SEPA debit: the charge intent) or sent with.
    public var endToEndID: String? = nil
    /// Current allocations per invoice (net of returns).
    public var allocations: [Share]
    /// A gateway charge's attempt number for its invoice (1 for the first).
    public var attempt: Int? = nil
    /// A declined charge: `soft` (worth retrying) or `hard` (never retried).
    public var declineKind: String? = nil
    /// A soft-declined charge: when the next attempt was planned as it failed.
    public var nextAttemptAt: Date? = nil

    public init(
        id: String, customerID: String, invoiceID: String? = nil, paymentMethodID: String? = nil, amount: Int64,
        currency: String, status: PaymentStatus, source: String, reference: String? = nil, unallocated: Int64,
        failureCode: String? = nil, reversedAt: Date? = nil, returnReason: String? = nil, returnFee: Int64? = nil,
        returnFeeInvoiceID: String? = nil, livemode: Bool, createdAt: Date, endToEndID: String? = nil,
        allocations: [Share], attempt: Int? = nil, declineKind: String? = nil, nextAttemptAt: Date? = nil
    ) {
        self.id = id
        self.customerID = customerID
        self.invoiceID = invoiceID
        self.paymentMethodID = paymentMethodID
        self.amount = amount
        self.currency = currency
        self.status = status
        self.source = source
        self.reference = reference
        self.unallocated = unallocated
        self.failureCode = failureCode
        self.reversedAt = reversedAt
        self.returnReason = returnReason
        self.returnFee = returnFee
        self.returnFeeInvoiceID = returnFeeInvoiceID
        self.livemode = livemode
        self.createdAt = createdAt
        self.endToEndID = endToEndID
        self.allocations = allocations
        self.attempt = attempt
        self.declineKind = declineKind
        self.nextAttemptAt = nextAttemptAt
    }
}
