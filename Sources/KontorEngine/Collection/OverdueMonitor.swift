import Foundation
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
            var drafts: [String: [EventOutbox.Draft]] = [:]
            var livemode: [String: Bool] = [:]
            for notice in notices {
                guard let invoice = try await invoices.find(notice.invoiceID, tenantID: notice.tenantID, on: conn)
                else {
                    continue
                }
                livemode[notice.tenantID] = invoice.livemode
                drafts[notice.tenantID, default: []].append(
                    .init(
                        type: "invoice.overdue", objectID: invoice.id, data: InvoiceJSON(invoice).encoded(),
                        createdAt: now)
                )
            }
            for change in pastDue {
                guard let s = try await subscriptions.find(change.subscriptionID, tenantID: change.tenantID, on: conn)
                else { continue }
                livemode[change.tenantID] = s.livemode
                drafts[change.tenantID, default: []].append(
                    .init(
                        type: "subscription.updated", objectID: s.id, data: try KontorJSON.encode(SubscriptionJSON(s)),
                        createdAt: now
                    )
                )
            }
            for (tenant, events) in drafts {
                try await outbox.append(events, tenantID: tenant, livemode: livemode[tenant] ?? false, on: conn)
            }
            return notices.count + pastDue.count
        }
    }
}
