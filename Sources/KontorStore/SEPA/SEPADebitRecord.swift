import Foundation
import KontorCore

/// A direct debit collected by the tenant's own bank: scheduled when its invoice is due for
/// collection, put into exactly one batch (pain.008 file), settled on its collection date.
///
/// Invariant: the mandate fields are a snapshot taken when the debit was scheduled (sequence
/// type and amendment information belong to that collection), so a file made later, or made
/// again for reading, says what was announced.
public struct SEPADebitRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable, Codable {
        /// Waiting for a batch.
        case scheduled
        /// In a batch (its file); settles on its collection date once the batch is submitted.
        case batched
        /// Became a succeeded payment.
        case settled
        /// Never sent: the invoice was settled otherwise, or the mandate was detached.
        case canceled
    }

    public var id: String
    public var endToEndID: String
    public var invoiceID: String
    public var customerID: String
    public var paymentMethodID: String
    public var paymentID: String
    public var amount: Int64
    public var currency: String
    /// The date the debtor was told.
    public var plannedOn: LocalDate
    /// The date in the file (nil until batched).
    public var collectionDate: LocalDate?
    public var scheme: SEPAScheme
    public var sequenceType: SEPASequenceType
    public var mandateReference: String
    public var mandateSignedOn: LocalDate
    public var debtorName: String
    public var debtorIBAN: String
    public var amendment: SEPADirectDebit.Amendment?
    public var remittance: String
    public var status: Status
    public var batchID: String?
    public var livemode: Bool
    public var createdAt: Date
    public var settledAt: Date?

    public init(
        id: String, endToEndID: String, invoiceID: String, customerID: String, paymentMethodID: String,
        paymentID: String, amount: Int64, currency: String, plannedOn: LocalDate, collectionDate: LocalDate? = nil,
        scheme: SEPAScheme, sequenceType: SEPASequenceType, mandateReference: String, mandateSignedOn: LocalDate,
        debtorName: String, debtorIBAN: String, amendment: SEPADirectDebit.Amendment?, remittance: String,
        status: Status = .scheduled, batchID: String? = nil, livemode: Bool, createdAt: Date, settledAt: Date? = nil
    ) {
        self.id = id
        self.endToEndID = endToEndID
        self.invoiceID = invoiceID
        self.customerID = customerID
        self.paymentMethodID = paymentMethodID
        self.paymentID = paymentID
        self.amount = amount
        self.currency = currency
        self.plannedOn = plannedOn
        self.collectionDate = collectionDate
        self.scheme = scheme
        self.sequenceType = sequenceType
        self.mandateReference = mandateReference
        self.mandateSignedOn = mandateSignedOn
        self.debtorName = debtorName
        self.debtorIBAN = debtorIBAN
        self.amendment = amendment
        self.remittance = remittance
        self.status = status
        self.batchID = batchID
        self.livemode = livemode
        self.createdAt = createdAt
        self.settledAt = settledAt
    }

    /// The debit as it goes into a file, on `date`.
    public func directDebit(on date: LocalDate) -> SEPADirectDebit {
        SEPADirectDebit(
            endToEndID: endToEndID, amount: amount, collectionDate: date, scheme: scheme, sequenceType: sequenceType,
            mandateReference: mandateReference, mandateSignedOn: mandateSignedOn, amendment: amendment,
            debtorName: debtorName, debtorIBAN: debtorIBAN, remittance: remittance)
    }
}

/// A pain.008 file made from scheduled debits, stored as sent (with its SHA-256).
public struct SEPABatchRecord: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable, Codable {
        /// Made; the tenant downloads the file and hands it to the bank.
        case created
        /// The tenant says the bank has it: its debits settle on their collection dates.
        case submitted
    }

    public var id: String
    public var messageID: String
    public var format: String
    public var status: Status
    public var madeOn: LocalDate
    public var debitCount: Int
    public var controlSum: Int64
    public var sha256: String
    public var livemode: Bool
    public var createdAt: Date
    public var submittedAt: Date?

    public init(
        id: String, messageID: String, format: String, status: Status, madeOn: LocalDate, debitCount: Int,
        controlSum: Int64, sha256: String, livemode: Bool, createdAt: Date, submittedAt: Date?
    ) {
        self.id = id
        self.messageID = messageID
        self.format = format
        self.status = status
        self.madeOn = madeOn
        self.debitCount = debitCount
        self.controlSum = controlSum
        self.sha256 = sha256
        self.livemode = livemode
        self.createdAt = createdAt
        self.submittedAt = submittedAt
    }
}
