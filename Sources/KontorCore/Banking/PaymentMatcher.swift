/// How a bank credit was tied to a customer.
public enum MatchRule: String, Hashable, Sendable, Codable {
    /// An invoice number in the remittance text.
    case invoiceNumber = "invoice_number"
    /// The payer's IBAN belongs to one customer, and the amount equals one of their open items
    /// (or all of them together).
    case ibanAndAmount = "iban_amount"
    /// The payer's name is one customer's, and the amount equals one of their open items (or all
    /// of them together).
    case customerAndAmount = "customer_amount"
}

/// The outcome for one credit.
public enum PaymentMatch: Hashable, Sendable {
    /// Allocate to these items (explicit shares), the rest to the customer's credit.
    case matched(customerID: String, rule: MatchRule, plan: AllocationPlan)
    /// Left for a person: the reason says why.
    case unmatched(reason: String)
}

/// What the matcher may look at: the candidates the importer loaded for a statement.
public struct MatchCandidates: Sendable {
    /// Open items by number (upper case), across the tenant.
    public let itemsByNumber: [String: OpenItem]
    /// Open items per customer.
    public let itemsByCustomer: [String: [OpenItem]]
    /// Customers known to pay from an IBAN (SEPA mandates, earlier matched credits).
    public let customersByIBAN: [String: Set<String>]
    /// Customers by name, folded (lower case, single spaces).
    public let customersByName: [String: Set<String>]

    public init(
        items: [OpenItem], customersByIBAN: [String: Set<String>], customerNames: [String: String]
    ) {
        self.itemsByNumber = Dictionary(items.map { ($0.number.uppercased(), $0) }, uniquingKeysWith: { a, _ in a })
        self.itemsByCustomer = Dictionary(grouping: items, by: \.customerID)
        self.customersByIBAN = customersByIBAN
        var byName: [String: Set<String>] = [:]
        for (id, name) in customerNames { byName[Self.fold(name), default: []].insert(id) }
        self.customersByName = byName
    }

    static func fold(_ name: String) -> String {
        name.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}

/// Matches incoming money to open items, from the safest evidence to the weakest, and leaves a
/// credit unmatched rather than guess: a wrong match dunns an innocent customer.
///
/// 1. Invoice numbers in the remittance text (all of one customer, same currency).
/// 2. Payer IBAN of exactly one customer + an amount equal to one open item or to their total.
/// 3. Payer name of exactly one customer + the same amount rule.
public enum PaymentMatcher {
    public static func match(_ credit: BankCredit, candidates: MatchCandidates) -> PaymentMatch {
        let named = credit.referenceTokens.compactMap { candidates.itemsByNumber[$0] }
            .filter { $0.currency == credit.currency }
            .sorted { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }
        if !named.isEmpty {
            let customers = Set(named.map(\.customerID))
            guard customers.count == 1, let customer = customers.first else {
                return .unmatched(reason: "the text names invoices of several customers")
            }
            // The named items first (oldest due first), up to their open amounts.
            let plan = AllocationPlan.oldestDueFirst(credit.amount, over: named)
            return .matched(customerID: customer, rule: .invoiceNumber, plan: plan)
        }
        if let iban = credit.payerIBAN, let owners = candidates.customersByIBAN[iban] {
            guard owners.count == 1, let customer = owners.first else {
                return .unmatched(reason: "the payer's IBAN belongs to several customers")
            }
            if let plan = amountPlan(credit, customer: customer, candidates: candidates) {
                return .matched(customerID: customer, rule: .ibanAndAmount, plan: plan)
            }
        }
        if let name = credit.payerName, let owners = candidates.customersByName[MatchCandidates.fold(name)],
            owners.count == 1, let customer = owners.first,
            let plan = amountPlan(credit, customer: customer, candidates: candidates)
        {
            return .matched(customerID: customer, rule: .customerAndAmount, plan: plan)
        }
        return .unmatched(reason: "no invoice number in the text and no unambiguous customer and amount")
    }

    /// The customer's items the amount pays exactly: one item with that open amount (the oldest
    /// if several), or all open items together.
    static func amountPlan(_ credit: BankCredit, customer: String, candidates: MatchCandidates) -> AllocationPlan? {
        let items = (candidates.itemsByCustomer[customer] ?? []).filter {
            $0.currency == credit.currency && $0.open > 0
        }
        .sorted { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }
        if let one = items.first(where: { $0.open == credit.amount }) {
            return AllocationPlan(shares: [.init(itemID: one.id, amount: one.open)], surplus: 0)
        }
        if items.count > 1, items.reduce(0, { $0 + $1.open }) == credit.amount {
            return AllocationPlan.oldestDueFirst(credit.amount, over: items)
        }
        return nil
    }
}
