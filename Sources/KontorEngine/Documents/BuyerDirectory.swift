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
///
/// A tenant that collects by bank file states the day the debit is collected: its scheduled
/// debit's date, or (before it is scheduled) the date scheduling will compute from the issue
/// day, the due date and the pre-notification period.
struct BuyerDirectory: Sendable {
    let customers: CustomerRepository
    let methods: PaymentMethodRepository
    let debits: SEPADebitRepository

    init(logger: Logging.Logger) {
        self.customers = CustomerRepository(logger: logger)
        self.methods = PaymentMethodRepository(logger: logger)
        self.debits = SEPADebitRepository(logger: logger)
    }

    /// The buyers by customer, and the debit day by invoice.
    struct Directory: Sendable {
        var buyers: [String: BuyerDetails] = [:]
        var debitOn: [String: LocalDate] = [:]
    }

    func details(for invoices: [Invoice], profile: TenantProfile, on conn: PostgresConnection) async throws
        -> Directory
    {
        var directory = Directory(buyers: try await buyers(for: invoices, tenantID: profile.tenantID, on: conn))
        guard profile.sepaCollection == .bankFile else { return directory }
        let scheduled = try await debits.debits(
            invoiceIDs: invoices.map(\.id), tenantID: profile.tenantID, on: conn
        ).filter { $0.status != .canceled }
        for invoice in invoices {
            directory.debitOn[invoice.id] =
                scheduled.first { $0.invoiceID == invoice.id }.map { $0.collectionDate ?? $0.plannedOn }
                ?? SEPACollectionDate.collectionDate(
                    dueOn: invoice.dueDate, notifiedOn: invoice.issueDate,
                    preNotificationDays: profile.sepaPreNotificationDays)
        }
        return directory
    }

    func buyers(for invoices: [Invoice], tenantID: String, on conn: PostgresConnection) async throws
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
    static func buyer(of invoice: Invoice, in directory: Directory) -> BuyerDetails {
        var details = directory.buyers[invoice.customerID] ?? BuyerDetails()
        if invoice.collectionMethod != CollectionMethod.chargeAutomatically.rawValue { details.mandate = nil }
        if details.mandate != nil { details.debitOn = directory.debitOn[invoice.id] }
        return details
    }
}
