import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Fires `invoice.overdue` once when an open invoice is N days past due (N per tenant, default
/// 1), and moves subscriptions with unpaid, past-due invoices to `past_due`
/// (`subscription.updated`). Notices and events commit together.
public struct OverdueMonitor: Sendable {
    let database: Database
    let overdue: OverdueRepository
    let invoices: InvoiceRepository
    let subscriptions: SubscriptionRepository
    let outbox: EventOutbox

    public init(database: Database) {
        self.database = database
        self.overdue = OverdueRepository(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.subscriptions = SubscriptionRepository(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
    }

    @discardableResult
    public func run(now: Date, tenantID: String? = nil) async throws -> Int {
        try await database.transaction { conn in
            let notices = try await overdue.recordOverdue(now: now, tenantID: tenantID, on: conn)
            let pastDue = try await overdue.markPastDue(now: now, tenantID: tenantID, on: conn)
            let tenants = Set(notices.map(\.tenantID)).union(pastDue.map(\.tenantID))
            for tenant in tenants.sorted() {
                let overdueInvoices = try await invoices.find(
                    ids: notices.filter { $0.tenantID == tenant }.map(\.invoiceID), tenantID: tenant, on: conn
                )
                let changed = try await subscriptions.find(
                    ids: pastDue.filter { $0.tenantID == tenant }.map(\.subscriptionID), tenantID: tenant, on: conn
                )
                let events =
                    overdueInvoices.map { DomainEvent.invoice(.invoiceOverdue, InvoiceJSON($0)) }
                    + changed.map { .subscription(.subscriptionUpdated, SubscriptionJSON($0)) }
                let livemode = overdueInvoices.first?.livemode ?? changed.first?.livemode ?? false
                try await outbox.append(events, at: now, tenantID: tenant, livemode: livemode, on: conn)
            }
            return notices.count + pastDue.count
        }
    }
}
