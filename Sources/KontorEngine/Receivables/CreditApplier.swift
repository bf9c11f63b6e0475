import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// Customer credit (an earlier surplus) pays invoices just issued, first — inside the issuing
/// transaction: the allocations, the ledger and `invoice.paid` for what it settled.
struct CreditApplier: Sendable {
    let allocations: AllocationWriter
    let balances: CustomerBalanceRepository
    let invoices: InvoiceRepository
    let ledger: LedgerWriter
    let outbox: EventOutbox

    init(logger: Logger) {
        self.allocations = AllocationWriter(logger: logger)
        self.balances = CustomerBalanceRepository(logger: logger)
        self.invoices = InvoiceRepository(logger: logger)
        self.ledger = LedgerWriter(logger: logger)
        self.outbox = EventOutbox(logger: logger)
    }

    /// Applies customer credit to invoices just issued.
    func applyCredit(to issued: [Invoice], profile: TenantProfile, now: Date, on conn: PostgresConnection) async throws
    {
        let applied = try await balances.takeCredit(
            forInvoices: issued.map(\.id), tenantID: profile.tenantID, on: conn)
        guard !applied.isEmpty else { return }
        let today = LocalDate(instant: now, in: profile.zone)
        let changes = try await allocations.append(
            applied.map {
                AllocationDraft(
                    invoiceID: $0.invoiceID, customerID: $0.customerID, kind: .customerCredit, sourceID: $0.invoiceID,
                    amount: $0.amount, currency: $0.currency)
            }, bookingDate: today, tenantID: profile.tenantID, now: now, on: conn)
        try await ledger.append(
            applied.map {
                LedgerBooking(
                    documentType: "credit_applied", documentID: $0.invoiceID, documentNumber: $0.number,
                    customerID: $0.customerID, currency: $0.currency, bookingDate: today,
                    postings: LedgerRules.creditApplied($0.amount))
            }, tenantID: profile.tenantID, now: now, on: conn)
        let events = try await invoices.paidEvents(changes, tenantID: profile.tenantID, on: conn)
        try await outbox.append(events, at: now, tenantID: profile.tenantID, livemode: profile.livemode, on: conn)
    }
}

extension InvoiceRepository {
    /// `invoice.paid` for every invoice an allocation settled.
    func paidEvents(_ changes: [StatusChange], tenantID: String, on conn: PostgresConnection)
        async throws -> [DomainEvent]
    {
        let paid = changes.filter { $0.to == .paid }.map(\.invoiceID)
        guard !paid.isEmpty else { return [] }
        return try await find(ids: paid, tenantID: tenantID, on: conn).map {
            .invoice(.invoicePaid, InvoiceJSON($0))
        }
    }
}
