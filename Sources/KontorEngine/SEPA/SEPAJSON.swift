import Foundation
import KontorCore
import KontorStore

/// A scheduled or collected direct debit as the API shows it.
public struct SEPADebitJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "sepa_debit"
    public var invoice: String
    public var customer: String
    public var paymentMethod: String
    /// The payment it becomes when it settles (the same id from the start).
    public var payment: String
    public var endToEndId: String
    public var amount: Int64
    public var currency: String
    /// The date the debtor was told.
    public var plannedOn: String
    /// The date in the file (once batched).
    public var collectionDate: String?
    public var scheme: String
    public var sequenceType: String
    public var mandateReference: String
    public var status: String
    public var batch: String?
    public var livemode: Bool
    public var createdAt: Date
    public var settledAt: Date?

    public init(_ d: SEPADebitRecord) {
        id = d.id
        invoice = d.invoiceID
        customer = d.customerID
        paymentMethod = d.paymentMethodID
        payment = d.paymentID
        endToEndId = d.endToEndID
        amount = d.amount
        currency = d.currency
        plannedOn = d.plannedOn.description
        collectionDate = d.collectionDate?.description
        scheme = d.scheme.rawValue
        sequenceType = d.sequenceType.rawValue
        mandateReference = d.mandateReference
        status = d.status.rawValue
        batch = d.batchID
        livemode = d.livemode
        createdAt = d.createdAt
        settledAt = d.settledAt
    }
}

/// A pain.008 batch as the API shows it; `debits` only on the single-batch read.
public struct SEPABatchJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "sepa_batch"
    public var messageId: String
    public var format: String
    public var status: String
    public var madeOn: String
    public var debitCount: Int
    /// The sum of the debits, euro cents (the file's control sum).
    public var controlSum: Int64
    public var currency = "EUR"
    /// Of the file as stored and downloaded (`GET /v1/sepa_batches/{id}/file`).
    public var sha256: String
    public var livemode: Bool
    public var createdAt: Date
    public var submittedAt: Date?
    public var debits: [SEPADebitJSON]?

    public init(_ b: SEPABatchRecord, debits: [SEPADebitRecord]? = nil) {
        id = b.id
        messageId = b.messageID
        format = b.format
        status = b.status.rawValue
        madeOn = b.madeOn.description
        debitCount = b.debitCount
        controlSum = b.controlSum
        sha256 = b.sha256
        livemode = b.livemode
        createdAt = b.createdAt
        submittedAt = b.submittedAt
        self.debits = debits?.map(SEPADebitJSON.init)
    }
}
