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

    static func postings(receivable: Int64, revenue: Int64, vat: Int64) -> [LedgerPosting] {
        [
            LedgerPosting(account: .receivable, amount: receivable),
            LedgerPosting(account: .revenue, amount: -revenue),
            LedgerPosting(account: .vatPayable, amount: -vat),
        ].filter { $0.amount != 0 }
    }
}
