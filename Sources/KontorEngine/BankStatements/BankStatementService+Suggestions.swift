import Foundation
import KontorCore
import KontorStore

/// The work queue of unmatched credits: each with the customers the evidence points at (what
/// the matcher would not act on alone), so a person allocates with one click.
extension BankStatementService {
    public struct Suggestion: Sendable {
        public let customerID: String
        public let customerName: String?
        public let evidence: PaymentSuggestion.Evidence
        public let amountFits: Bool
        /// Numbers of the items the credit would pay, oldest due first.
        public let invoices: [String]
        /// What would be left over as the customer's credit.
        public let surplus: Int64
    }

    public struct UnmatchedCredit: Sendable {
        public let transaction: BankTransactionJSON
        public let suggestions: [Suggestion]
    }

    /// The oldest `limit` unmatched credits with their suggestions: three queries for the
    /// whole page (transactions, hints and the hinted customers' open items), none per row.
    public func unmatched(limit: Int, tenant: Tenant) async throws -> [UnmatchedCredit] {
        try await operations.read(tenant) { op in
            let conn = op.connection
            let credits = try await transactions.list(status: .unmatched, tenantID: tenant.id, on: conn)
                .filter { $0.direction == .credit }.prefix(limit)
            let bank = credits.map {
                BankCredit(
                    amount: $0.amount, currency: $0.currency, remittance: $0.remittance ?? "",
                    payerIBAN: $0.payerIBAN, payerName: $0.payerName)
            }
            let named = try await openItems.current(
                numbers: Array(Set(bank.flatMap(\.referenceTokens))), tenantID: tenant.id, on: conn)
            let hints = try await transactions.matchHints(
                ibans: Array(Set(bank.compactMap(\.payerIBAN))),
                names: Array(Set(bank.compactMap { $0.payerName?.lowercased() })), tenantID: tenant.id, on: conn)
            let hinted = Set(hints.customersByIBAN.values.flatMap { $0 }).union(hints.customerNames.keys)
                .union(named.map(\.customerID))
            let items = try await openItems.current(
                customerIDs: Array(hinted), tenantID: tenant.id, lock: false, on: conn)
            let candidates = MatchCandidates(
                items: items + named, customersByIBAN: hints.customersByIBAN, customerNames: hints.customerNames)
            let names = Dictionary(
                try await customers.find(ids: Array(hinted), tenantID: tenant.id, on: conn).map {
                    ($0.id, $0.fields.name)
                }, uniquingKeysWith: { a, _ in a })
            let numbers = Dictionary((items + named).map { ($0.id, $0.number) }, uniquingKeysWith: { a, _ in a })
            return zip(credits, bank).map { t, credit in
                UnmatchedCredit(
                    transaction: BankTransactionJSON(t),
                    suggestions: PaymentMatcher.suggestions(credit, candidates: candidates).map {
                        Suggestion(
                            customerID: $0.customerID, customerName: names[$0.customerID] ?? nil,
                            evidence: $0.evidence, amountFits: $0.amountFits,
                            invoices: $0.plan.shares.compactMap { numbers[$0.itemID] }, surplus: $0.plan.surplus)
                    })
            }
        }
    }
}
