import Foundation
import KontorCore
import KontorDocuments
import KontorStore
import Logging
import PostgresNIO

/// What documents say about their buyers beyond the invoice's snapshot, read in one query per
/// kind for any number of invoices: the Leitweg-ID (buyer reference), the e-mail (electronic
/// address), and for an invoice collected by SEPA direct debit the mandate and the account
/// debited (payment means 59 instead of a transfer).
struct BuyerDirectory: Sendable {
    let customers: CustomerRepository
    let methods: PaymentMethodRepository

    init(logger: Logging.Logger) {
        self.customers = CustomerRepository(logger: logger)
        self.methods = PaymentMethodRepository(logger: logger)
    }

    func details(for invoices: [Invoice], tenantID: String, on conn: PostgresConnection) async throws
        -> [String: BuyerDetails]
    {
        let ids = Array(Set(invoices.map(\.customerID)))
        guard !ids.isEmpty else { return [:] }
        let fields = Dictionary(
            try await customers.find(ids: ids, tenantID: tenantID, on: conn).map { ($0.id, $0.fields) },
            uniquingKeysWith: { a, _ in a })
        let defaults = try await methods.defaultIDs(customerIDs: ids, tenantID: tenantID, on: conn)
        let mandates = Dictionary(
            try await methods.find(ids: Array(Set(defaults.values)), tenantID: tenantID, on: conn).compactMap {
                pm -> (String, (reference: String, iban: String))? in
                guard pm.status == .active, let sepa = pm.sepaDebit else { return nil }
                return (pm.id, (sepa.mandateReference, sepa.iban.value))
            }, uniquingKeysWith: { a, _ in a })
        var result: [String: BuyerDetails] = [:]
        for id in ids {
            let f = fields[id]
            result[id] = BuyerDetails(
                reference: f?.leitwegID?.value, electronicAddress: f?.email?.value,
                mandate: defaults[id].flatMap { mandates[$0] }, locale: f?.locale?.value)
        }
        return result
    }

    /// The buyer of one invoice; the mandate only when the invoice is collected automatically.
    static func buyer(of invoice: Invoice, in directory: [String: BuyerDetails]) -> BuyerDetails {
        var details = directory[invoice.customerID] ?? BuyerDetails()
        if invoice.collectionMethod != CollectionMethod.chargeAutomatically.rawValue { details.mandate = nil }
        return details
    }
}
