import Foundation

/// One entry of an imported bank statement and what became of it.
public struct BankTransaction: Sendable, Equatable {
    /// What the import (or a person) did with the entry.
    public enum Status: String, Sendable, CaseIterable {
        /// A credit booked against open items by a match rule.
        case matched
        /// Kept for a person: no safe match, or a return of an unknown payment.
        case unmatched
        /// An unmatched credit a person booked (`POST /v1/bank_transactions/{id}/allocate`).
        case allocated
        /// A return debit booked against the payment it takes back.
        case returned
        /// A debit that is not a return.
        case ignored
    }

    public enum Direction: String, Sendable {
        case credit, debit
    }

    public var id: String
    /// The bank's reference, or a digest of content and place: unique per tenant.
    public var entryKey: String
    public var direction: Direction
    public var amount: Int64
    public var currency: String
    public var bookingDate: LocalDate
    public var valueDate: LocalDate?
    public var remittance: String?
    public var payerIBAN: String?
    public var payerName: String?
    public var endToEndID: String?
    public var mandateID: String?
    public var returnReason: String?
    public var fee: Int64?
    public var status: Status = .unmatched
    public var matchRule: String?
    public var note: String?
    public var customerID: String?
    public var paymentID: String?

    public init(
        id: String, entryKey: String, direction: Direction, amount: Int64, currency: String, bookingDate: LocalDate,
        valueDate: LocalDate? = nil, remittance: String? = nil, payerIBAN: String? = nil, payerName: String? = nil,
        endToEndID: String? = nil, mandateID: String? = nil, returnReason: String? = nil, fee: Int64? = nil
    ) {
        self.id = id
        self.entryKey = entryKey
        self.direction = direction
        self.amount = amount
        self.currency = currency
        self.bookingDate = bookingDate
        self.valueDate = valueDate
        self.remittance = remittance
        self.payerIBAN = payerIBAN
        self.payerName = payerName
        self.endToEndID = endToEndID
        self.mandateID = mandateID
        self.returnReason = returnReason
        self.fee = fee
    }

    /// What the import decided for one entry.
    public struct Outcome: Sendable, Equatable {
        public var status: Status
        public var rule: String?
        public var note: String?
        public var customerID: String?
        public var paymentID: String?

        public init(
            _ status: Status, rule: String? = nil, note: String? = nil, customerID: String? = nil,
            paymentID: String? = nil
        ) {
            self.status = status
            self.rule = rule
            self.note = note
            self.customerID = customerID
            self.paymentID = paymentID
        }
    }
}

/// The header of an imported statement with its counts.
public struct BankStatementRecord: Sendable, Equatable {
    public var id: String
    public var format: String
    public var messageID: String?
    public var accountIBAN: String?
    public var entries: Int
    public var duplicates: Int
    public var matched: Int
    public var unmatched: Int
    public var returns: Int

    public init(
        id: String, format: String, messageID: String?, accountIBAN: String?, entries: Int, duplicates: Int,
        matched: Int, unmatched: Int, returns: Int
    ) {
        self.id = id
        self.format = format
        self.messageID = messageID
        self.accountIBAN = accountIBAN
        self.entries = entries
        self.duplicates = duplicates
        self.matched = matched
        self.unmatched = unmatched
        self.returns = returns
    }
}
