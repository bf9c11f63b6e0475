/// One debtor's account (Kontoauszug) over a span of booking dates: the opening balance, every
/// booking on the receivable (invoice, fee item, payment, return, credit note, credit applied,
/// write-off) and every event without money (dunning notice, dispute) in date order, each
/// booking carrying the running balance after it, per currency.
///
/// Invariant: for every currency, opening + Σ debits − Σ credits = closing, and the running
/// balance of the last booking equals the closing balance.
public struct DebtorAccount: Sendable, Equatable {
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case invoice
        case feeItem = "fee_item"
        case payment
        case paymentReturn = "payment_return"
        case creditNote = "credit_note"
        case creditApplied = "credit_applied"
        case writeOff = "write_off"
        case dunningNotice = "dunning_notice"
        case dispute

        /// A ledger document type read back (fee items are invoices with a fee billing reason).
        public init?(documentType: String, billingReason: String?) {
            if documentType == "invoice", let billingReason, DocumentKind(billingReason: billingReason) == .feeItem {
                self = .feeItem
            } else {
                self.init(rawValue: documentType)
            }
        }

        /// Whether the line moves money (else it is an event on the account).
        public var books: Bool { self != .dunningNotice && self != .dispute }
    }

    /// A line as the store reads it: a booking (amount set, debit positive) or an event.
    public struct Entry: Sendable, Equatable {
        public var date: LocalDate
        public var kind: Kind
        public var documentID: String
        public var number: String
        public var currency: String
        public var amount: Int64?
        public var text: String?
        /// What an event is about without booking it (a notice's dunned total).
        public var claimed: Int64?

        public init(
            date: LocalDate, kind: Kind, documentID: String, number: String, currency: String, amount: Int64?,
            text: String?, claimed: Int64? = nil
        ) {
            self.claimed = claimed
            self.date = date
            self.kind = kind
            self.documentID = documentID
            self.number = number
            self.currency = currency
            self.amount = amount
            self.text = text
        }
    }

    public struct Line: Sendable, Equatable {
        public var entry: Entry
        public var debit: Int64 { max(entry.amount ?? 0, 0) }
        public var credit: Int64 { max(-(entry.amount ?? 0), 0) }
        /// The currency's balance after this line (unchanged by an event).
        public var balance: Int64
    }

    public struct Balance: Sendable, Equatable {
        public var currency: String
        public var opening: Int64
        public var debits: Int64
        public var credits: Int64
        public var closing: Int64 { opening + debits - credits }

        public init(currency: String, opening: Int64, debits: Int64, credits: Int64) {
            self.currency = currency
            self.opening = opening
            self.debits = debits
            self.credits = credits
        }
    }

    public let from: LocalDate
    public let through: LocalDate
    public let lines: [Line]
    /// Per currency, in code order: the opening balance and the span's debits and credits.
    public let balances: [Balance]

    /// Builds the account from the opening balances (per currency, before `from`) and the
    /// entries of the span in the order they happened.
    public init(from: LocalDate, through: LocalDate, opening: [String: Int64], entries: [Entry]) {
        self.from = from
        self.through = through
        var running = opening
        var debits: [String: Int64] = [:]
        var credits: [String: Int64] = [:]
        var lines: [Line] = []
        lines.reserveCapacity(entries.count)
        for e in entries {
            let amount = e.amount ?? 0
            running[e.currency, default: 0] += amount
            if amount > 0 { debits[e.currency, default: 0] += amount }
            if amount < 0 { credits[e.currency, default: 0] -= amount }
            lines.append(Line(entry: e, balance: running[e.currency] ?? 0))
        }
        self.lines = lines
        self.balances = Set(opening.keys).union(running.keys).sorted().map {
            Balance(currency: $0, opening: opening[$0] ?? 0, debits: debits[$0] ?? 0, credits: credits[$0] ?? 0)
        }
    }
}

/// One row of the balance list per debtor (Saldenliste) for a span: opening balance, debits,
/// credits and closing balance of the receivable, per customer and currency.
public struct DebtorBalance: Sendable, Equatable {
    public var customerID: String
    public var customerName: String?
    public var balance: DebtorAccount.Balance

    public init(customerID: String, customerName: String?, balance: DebtorAccount.Balance) {
        self.customerID = customerID
        self.customerName = customerName
        self.balance = balance
    }

    /// Where the next page starts: after this customer and currency.
    public var cursor: DebtorBalanceCursor { DebtorBalanceCursor(customerID: customerID, currency: balance.currency) }
}

public struct DebtorBalanceCursor: Hashable, Sendable {
    public var customerID: String
    public var currency: String

    public init(customerID: String, currency: String) {
        self.customerID = customerID
        self.currency = currency
    }

    /// The cursor as it travels in a link (`cus_…~EUR`); nil when it is not one.
    public init?(token: String) {
        let parts = token.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count == 2, Identifier.looksValid(String(parts[0]), prefix: "cus"),
            Currency(code: String(parts[1])) != nil
        else { return nil }
        self.init(customerID: String(parts[0]), currency: String(parts[1]))
    }

    public var token: String { customerID + "~" + currency }
}

/// A span of booking dates asked for by a person: `from` through `through`, in order, at most
/// ten years.
public enum AccountSpan {
    public static func problems(from: LocalDate, through: LocalDate) -> [FieldError] {
        if through < from { return [FieldError(field: "to", message: "must not be before from")] }
        if from.adding(days: 3660) < through {
            return [FieldError(field: "from", message: "must be at most ten years before to")]
        }
        return []
    }
}
