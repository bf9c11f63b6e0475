import Foundation
import KontorCore

/// A payment as the payments API shows it: a gateway charge or money received otherwise.
public struct ReceivedPayment: Sendable, Equatable {
    public struct Share: Sendable, Equatable, Codable {
        public let invoice: String
        public let amount: Int64
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
    /// Current allocations per invoice (net of returns).
    public var allocations: [Share]
}
