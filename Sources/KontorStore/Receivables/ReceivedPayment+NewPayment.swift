import Foundation
import KontorCore

extension ReceivedPayment {
    /// Money just received (`PaymentRepository.NewPayment`) with its shares, as stored.
    public init(received p: PaymentRepository.NewPayment, allocations: [Share], livemode: Bool, createdAt: Date) {
        self.init(
            id: p.id, customerID: p.customerID, invoiceID: nil, paymentMethodID: nil, amount: p.amount,
            currency: p.currency, status: .succeeded, source: p.source, reference: p.reference,
            unallocated: p.unallocated, failureCode: nil, reversedAt: nil, returnReason: nil, returnFee: nil,
            returnFeeInvoiceID: nil, livemode: livemode, createdAt: createdAt, endToEndID: p.endToEndID,
            allocations: allocations)
    }
}
