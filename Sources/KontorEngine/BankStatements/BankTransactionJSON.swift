import Foundation
import KontorCore
import KontorStore

/// The bank transaction object of the API.
public struct BankTransactionJSON: Codable, Sendable {
    public var id: String
    public var object = "bank_transaction"
    public var direction: String
    public var amount: Int64
    public var currency: String
    public var bookingDate: String
    public var remittance: String?
    public var payerIban: String?
    public var payerName: String?
    public var endToEndId: String?
    public var returnReason: String?
    public var fee: Int64?
    public var status: String
    public var matchRule: String?
    public var note: String?
    public var customer: String?
    public var payment: String?

    public init(_ t: BankTransaction) {
        id = t.id
        direction = t.direction.rawValue
        amount = t.amount
        currency = t.currency
        bookingDate = t.bookingDate.description
        remittance = t.remittance
        payerIban = t.payerIBAN
        payerName = t.payerName
        endToEndId = t.endToEndID
        returnReason = t.returnReason
        fee = t.fee
        status = t.status.rawValue
        matchRule = t.matchRule
        note = t.note
        customer = t.customerID
        payment = t.paymentID
    }
}

/// The bank statement object of the API: its counts and its transactions.
public struct BankStatementJSON: Codable, Sendable {
    public var id: String
    public var object = "bank_statement"
    public var format: String
    public var messageId: String?
    public var account: String?
    public var entries: Int
    public var duplicates: Int
    public var matched: Int
    public var unmatched: Int
    public var returns: Int
    public var transactions: [BankTransactionJSON]

    public init(_ s: BankStatementRecord, transactions: [BankTransaction]) {
        id = s.id
        format = s.format
        messageId = s.messageID
        account = s.accountIBAN
        entries = s.entries
        duplicates = s.duplicates
        matched = s.matched
        unmatched = s.unmatched
        returns = s.returns
        self.transactions = transactions.map(BankTransactionJSON.init)
    }
}
