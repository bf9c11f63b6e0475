import Foundation
import KontorCore
import KontorStore

/// The payment object: of the payments API and of every `payment.*`, `charge.*` and
/// `invoice.payment_failed` event, whether the money came by gateway, bank or by hand.
public struct ReceivedPaymentJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "payment"
    public var customer: String
    public var invoice: String?
    public var paymentMethod: String?
    public var amount: Int64
    public var currency: String
    /// succeeded | failed | returned
    public var status: String
    public var source: String
    public var reference: String?
    /// The end-to-end id it was collected (SEPA) or sent with.
    public var endToEndId: String?
    public var allocations: [ReceivedPayment.Share]
    public var unallocated: Int64
    public var failureCode: String?
    public var declineKind: String?
    public var attempt: Int?
    public var nextAttemptAt: Date?
    public var reasonCode: String?
    public var returnFee: Int64?
    public var returnFeeInvoice: String?
    public var returnedAt: Date?
    public var livemode: Bool
    public var createdAt: Date

    public init(_ p: ReceivedPayment) {
        id = p.id
        customer = p.customerID
        invoice = p.invoiceID
        paymentMethod = p.paymentMethodID
        amount = p.amount
        currency = p.currency
        status = p.reversedAt != nil ? "returned" : p.status.rawValue
        source = p.source
        reference = p.reference
        endToEndId = p.endToEndID
        allocations = p.allocations
        unallocated = p.unallocated
        failureCode = p.failureCode
        declineKind = p.declineKind
        attempt = p.attempt
        nextAttemptAt = p.nextAttemptAt
        reasonCode = p.returnReason
        returnFee = p.returnFee
        returnFeeInvoice = p.returnFeeInvoiceID
        returnedAt = p.reversedAt
        livemode = p.livemode
        createdAt = p.createdAt
    }
}
