import Foundation
import KontorCore

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
    public let status: String
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

}

extension ReceivedPayment {
    /// Money just received (`PaymentRepository.NewPayment`) with its shares, as stored.
    public init(received p: PaymentRepository.NewPayment, allocations: [Share], livemode: Bool, createdAt: Date) {
        self.init(
            id: p.id, customerID: p.customerID, invoiceID: nil, paymentMethodID: nil, amount: p.amount,
            currency: p.currency, status: "succeeded", source: p.source, reference: p.reference,
            unallocated: p.unallocated, failureCode: nil, reversedAt: nil, returnReason: nil, returnFee: nil,
            returnFeeInvoiceID: nil, livemode: livemode, createdAt: createdAt, endToEndID: p.endToEndID,
            allocations: allocations)
    }
}
