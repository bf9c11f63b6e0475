/// The accounts Kontor posts to. Names are the trade's; the DATEV export maps them to SKR03
/// account numbers.
public enum LedgerAccount: String, Hashable, Sendable, CaseIterable {
    /// Forderungen aus Lieferungen und Leistungen.
    case receivable
    /// Umsatzerlöse.
    case revenue
    /// Umsatzsteuer.
    case vatPayable = "vat_payable"
    /// Money received but not yet on the bank account (Geldtransit): card and debit settlements.
    case paymentClearing = "payment_clearing"
    /// Bank account: transfers received, as bank statements report them.
    case bank
    /// Customer credit (erhaltene Anzahlungen / Kundenguthaben): money received beyond what was
    /// owed, owed back to the customer until applied to the next invoice.
    case customerCredit = "customer_credit"
    /// Forderungsverluste: receivables written off (net of the VAT corrected).
    case badDebt = "bad_debt"
    /// Dunning and return-debit fees charged on (sonstige Erträge); not taxable: damages.
    case feeIncome = "fee_income"
    /// Default interest (Verzugszinsen), §288 BGB.
    case interestIncome = "interest_income"
}

/// One side of a booking: debit positive, credit negative, in minor units.
public struct LedgerPosting: Hashable, Sendable {
    public let account: LedgerAccount
    public let amount: Int64

    public init(account: LedgerAccount, amount: Int64) {
        self.account = account
        self.amount = amount
    }
}

/// Double-entry rules. Invariant: the postings of every document sum to zero.
public enum LedgerRules {
    /// Invoice: receivable (debit total) against revenue (credit net) and VAT (credit tax).
    public static func invoice(_ totals: InvoiceTotals) -> [LedgerPosting] {
        postings(receivable: totals.total, revenue: totals.subtotal, vat: totals.tax)
    }

    /// Invoice from stored totals (net, tax, gross with gross = net + tax).
    public static func invoice(_ net: Int64, tax: Int64, total: Int64) -> [LedgerPosting] {
        precondition(net + tax == total, "gross must be net plus tax")
        return postings(receivable: total, revenue: net, vat: tax)
    }

    /// Credit note: the reversal of an invoice of the same amounts.
    public static func creditNote(_ totals: InvoiceTotals) -> [LedgerPosting] {
        postings(receivable: -totals.total, revenue: -totals.subtotal, vat: -totals.tax)
    }

    /// Payment received: clearing (debit) against the receivable (credit).
    public static func payment(_ amount: Int64) -> [LedgerPosting] {
        [
            LedgerPosting(account: .paymentClearing, amount: amount),
            LedgerPosting(account: .receivable, amount: -amount),
        ]
    }

    /// Payment taken back (chargeback, returned debit): the receivable is open again.
    public static func paymentReversal(_ amount: Int64) -> [LedgerPosting] {
        [
            LedgerPosting(account: .receivable, amount: amount),
            LedgerPosting(account: .paymentClearing, amount: -amount),
        ]
    }

    /// Money received for open items: `account` (bank or clearing) against the receivable, and
    /// the part beyond what was owed against customer credit.
    public static func moneyReceived(allocated: Int64, surplus: Int64, into account: LedgerAccount) -> [LedgerPosting] {
        [
            LedgerPosting(account: account, amount: allocated + surplus),
            LedgerPosting(account: .receivable, amount: -allocated),
            LedgerPosting(account: .customerCredit, amount: -surplus),
        ].filter { $0.amount != 0 }
    }

    /// Money received taken back (returned debit, chargeback, reversed transfer): the inverse of
    /// `moneyReceived`.
    public static func moneyReturned(allocated: Int64, surplus: Int64, from account: LedgerAccount)
        -> [LedgerPosting]
    {
        moneyReceived(allocated: allocated, surplus: surplus, into: account).map {
            LedgerPosting(account: $0.account, amount: -$0.amount)
        }
    }

    /// Customer credit applied to an invoice.
    public static func creditApplied(_ amount: Int64) -> [LedgerPosting] {
        [
            LedgerPosting(account: .customerCredit, amount: amount),
            LedgerPosting(account: .receivable, amount: -amount),
        ]
    }

    /// A credit note's part beyond what was open becomes customer credit: moved from the
    /// receivable (which the credit note credited in full) to the customer's credit.
    public static func creditNoteSurplus(_ amount: Int64) -> [LedgerPosting] {
        [
            LedgerPosting(account: .receivable, amount: amount),
            LedgerPosting(account: .customerCredit, amount: -amount),
        ]
    }

    /// A write-off: net to bad debt, the VAT share corrected (§17 UStG), the receivable cleared.
    public static func writeOff(_ split: WriteOffSplit) -> [LedgerPosting] {
        [
            LedgerPosting(account: .badDebt, amount: split.net),
            LedgerPosting(account: .vatPayable, amount: split.tax),
            LedgerPosting(account: .receivable, amount: -split.gross),
        ].filter { $0.amount != 0 }
    }

    /// A fee charged on as its own open item (dunning fee, return fee, §288 (5) flat fee).
    public static func fee(_ amount: Int64) -> [LedgerPosting] {
        [LedgerPosting(account: .receivable, amount: amount), LedgerPosting(account: .feeIncome, amount: -amount)]
    }

    /// Default interest charged on as an open item.
    public static func interest(_ amount: Int64) -> [LedgerPosting] {
        [LedgerPosting(account: .receivable, amount: amount), LedgerPosting(account: .interestIncome, amount: -amount)]
    }

    static func postings(receivable: Int64, revenue: Int64, vat: Int64) -> [LedgerPosting] {
        [
            LedgerPosting(account: .receivable, amount: receivable),
            LedgerPosting(account: .revenue, amount: -revenue),
            LedgerPosting(account: .vatPayable, amount: -vat),
        ].filter { $0.amount != 0 }
    }
}
