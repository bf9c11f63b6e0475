/// A customer a person might allocate an unmatched credit to, with the evidence: what the
/// matcher would not act on alone (an invoice number of several customers, an IBAN shared by
/// several, a name without an equal amount) is still worth one click.
public struct PaymentSuggestion: Hashable, Sendable {
    public enum Evidence: String, Hashable, Sendable, Comparable {
        /// The text names one of the customer's open items.
        case invoiceNumber = "invoice_number"
        /// The customer pays from the payer's IBAN.
        case iban
        /// The payer's name is the customer's.
        case name

        var rank: Int {
            switch self {
            case .invoiceNumber: 0
            case .iban: 1
            case .name: 2
            }
        }

        public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    }

    public let customerID: String
    public let evidence: Evidence
    /// The amount equals one open item of the customer or all of them together.
    public let amountFits: Bool
    /// What the credit would pay, oldest due first: the customer's open items in its currency.
    public let plan: AllocationPlan

    public init(customerID: String, evidence: Evidence, amountFits: Bool, plan: AllocationPlan) {
        self.customerID = customerID
        self.evidence = evidence
        self.amountFits = amountFits
        self.plan = plan
    }
}

extension PaymentMatcher {
    /// Every customer the evidence points at, strongest first (invoice number, IBAN, name;
    /// within one, an amount that fits first), each customer once, at most `limit`.
    public static func suggestions(_ credit: BankCredit, candidates: MatchCandidates, limit: Int = 5)
        -> [PaymentSuggestion]
    {
        var evidence: [String: PaymentSuggestion.Evidence] = [:]
        func note(_ customer: String, _ e: PaymentSuggestion.Evidence) {
            if let had = evidence[customer], had <= e { return }
            evidence[customer] = e
        }
        for token in credit.referenceTokens {
            if let item = candidates.itemsByNumber[token], item.currency == credit.currency {
                note(item.customerID, .invoiceNumber)
            }
        }
        if let iban = credit.payerIBAN { for c in candidates.customersByIBAN[iban] ?? [] { note(c, .iban) } }
        if let name = credit.payerName {
            for c in candidates.customersByName[MatchCandidates.fold(name)] ?? [] { note(c, .name) }
        }
        return evidence.map { customer, e in
            let fitting = amountPlan(credit, customer: customer, candidates: candidates)
            let items = (candidates.itemsByCustomer[customer] ?? []).filter {
                $0.currency == credit.currency && $0.open > 0
            }
            return PaymentSuggestion(
                customerID: customer, evidence: e, amountFits: fitting != nil,
                plan: fitting ?? AllocationPlan.oldestDueFirst(credit.amount, over: items))
        }
        .sorted {
            ($0.evidence.rank, $0.amountFits ? 0 : 1, $0.customerID) < (
                $1.evidence.rank, $1.amountFits ? 0 : 1, $1.customerID
            )
        }
        .prefix(limit).map { $0 }
    }
}
