import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// Fee items: dunning fees, default interest, the §288 (5) flat fee and passed-on return fees.
/// Each is an open item of its own — not an invoice (damages are no supply, § 14 UStG): `fee_…`
/// ids, the tenant's fee-item number series, not taxable, due at once, posted to fee or interest
/// income, and tied to the claim it belongs to. DATEV and the open-item list see it like any
/// receivable; `/v1/invoices` does not list it unless asked.
struct FeeItems: Sendable {
    let customers: CustomerRepository
    let issuer: InvoiceIssuer

    init(logger: Logger) {
        self.customers = CustomerRepository(logger: logger)
        self.issuer = InvoiceIssuer(logger: logger)
    }

    struct Request: Sendable {
        let customerID: String
        let currency: String
        let reason: String
        let lines: [InvoiceLineDraft]
        var counterAccount: LedgerAccount? = nil
        /// The claim (principal invoice) the item belongs to.
        var claimInvoiceID: String? = nil
    }

    func issue(
        customerID: String, currency: String, reason: String, lines: [InvoiceLineDraft], profile: TenantProfile,
        now: Date, counterAccount: LedgerAccount? = nil, claimInvoiceID: String? = nil, on conn: PostgresConnection
    ) async throws -> Invoice? {
        try await issue(
            [
                Request(
                    customerID: customerID, currency: currency, reason: reason, lines: lines,
                    counterAccount: counterAccount, claimInvoiceID: claimInvoiceID)
            ],
            profile: profile, now: now, on: conn
        ).first
    }

    /// Issues the requests in one go (bulk); requests without lines are skipped.
    func issue(_ requests: [Request], profile: TenantProfile, now: Date, on conn: PostgresConnection) async throws
        -> [Invoice]
    {
        let requests = requests.filter { !$0.lines.isEmpty }
        guard !requests.isEmpty else { return [] }
        let customers = try await customers.find(
            ids: Array(Set(requests.map(\.customerID))), tenantID: profile.tenantID, on: conn)
        let byID = Dictionary(customers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let invoiceRequests = requests.compactMap { r -> InvoiceRequest? in
            guard let customer = byID[r.customerID], let currency = Currency(code: r.currency) else { return nil }
            var request = InvoiceRequest(
                customerID: r.customerID, subscriptionID: nil, billingReason: r.reason, billingDate: nil,
                currency: currency, lines: r.lines, buyer: BuyerSnapshot(customer), taxCategory: .standard,
                collectionMethod: .sendInvoice, paymentTermsDays: 0)
            request.treatment = .notTaxable
            request.counterAccount = r.counterAccount
            request.claimInvoiceID = r.claimInvoiceID
            return request
        }
        return try await issuer.issue(invoiceRequests, profile: profile, now: now, on: conn)
    }
}
