import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Overdue facts, set-based: `invoice.overdue` notices (once per invoice, by primary key) and
/// subscriptions that become `past_due` the day after an invoice of theirs fell due unpaid; and
/// when the test clock must stop for them, or for a submitted direct debit's collection date.
public struct OverdueRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// An invoice (`i`) whose direct debit by bank file is on its way is not late: the debtor
    /// was told the collection date (after the due date when the pre-notification needs it).
    /// The same condition wherever an overdue fact is made and where the test clock looks for
    /// the next one, so the clock never waits for a fact that will not be made.
    static let noDebitOnItsWay = """
        NOT EXISTS (SELECT 1 FROM sepa_debits d WHERE d.tenant_id = i.tenant_id AND d.invoice_id = i.invoice_id
                    AND d.status IN ('scheduled', 'batched'))
        """

    /// Records the overdue notices due at `now`; returns (tenant, invoice) of the new ones.
    public func recordOverdue(now: Date, tenantID: String?, on conn: PostgresConnection) async throws -> [(
        tenantID: String, invoiceID: String
    )] {
        let rows = try await conn.query(
            """
            INSERT INTO invoice_notices (tenant_id, invoice_id, kind, fired_at)
            SELECT i.tenant_id, i.invoice_id, 'overdue', \(now)
            FROM invoices i JOIN tenants t ON t.tenant_id = i.tenant_id
            WHERE i.status = \(state: InvoiceStatus.open) AND i.due_date <= \(now)::date
              AND ((i.due_date + t.overdue_after_days)::timestamp AT TIME ZONE t.time_zone) <= \(now)
              AND \(unescaped: Self.noDebitOnItsWay)
              AND (\(tenantID)::text IS NULL OR i.tenant_id = \(tenantID))
              AND (\(tenantID)::text IS NOT NULL OR t.test_clock_at IS NULL)
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, invoice_id
            """,
            logger: logger.forQuery
        )
        var result: [(tenantID: String, invoiceID: String)] = []
        for try await (t, i) in rows.decode((String, String).self) { result.append((t, i)) }
        return result
    }

    /// Moves active subscriptions with an invoice unpaid past its due date to `past_due`;
    /// returns (tenant, subscription) of those changed.
    public func markPastDue(now: Date, tenantID: String?, on conn: PostgresConnection) async throws -> [(
        tenantID: String, subscriptionID: String
    )] {
        let rows = try await conn.query(
            """
            UPDATE subscriptions s SET status = \(state: SubscriptionStatus.pastDue), updated_at = \(now)
            FROM tenants t
            WHERE t.tenant_id = s.tenant_id AND s.status = \(state: SubscriptionStatus.active)
              AND (\(tenantID)::text IS NULL OR s.tenant_id = \(tenantID))
              AND (\(tenantID)::text IS NOT NULL OR t.test_clock_at IS NULL)
              AND EXISTS (SELECT 1 FROM invoices i
                          WHERE i.tenant_id = s.tenant_id AND i.subscription_id = s.subscription_id
                            AND i.status = \(state: InvoiceStatus.open)
                            AND ((i.due_date + 1)::timestamp AT TIME ZONE t.time_zone) <= \(now)
                            AND \(unescaped: Self.noDebitOnItsWay))
            RETURNING s.tenant_id, s.subscription_id
            """,
            logger: logger.forQuery
        )
        var result: [(tenantID: String, subscriptionID: String)] = []
        for try await (t, s) in rows.decode((String, String).self) { result.append((t, s)) }
        return result
    }

    /// The earliest instant at or before `target` at which collection, an overdue notice or a
    /// past-due change falls due for the tenant (the test clock steps there).
    public func nextDue(tenantID: String, before target: Date, on conn: PostgresConnection) async throws -> Date? {
        let rows = try await conn.query(
            """
            SELECT min(at) FROM (
                SELECT i.next_collection_at AS at FROM invoices i
                WHERE i.tenant_id = \(tenantID) AND i.status = \(state: InvoiceStatus.open) AND i.next_collection_at IS NOT NULL
                UNION ALL
                SELECT ((i.due_date + t.overdue_after_days)::timestamp AT TIME ZONE t.time_zone)
                FROM invoices i JOIN tenants t ON t.tenant_id = i.tenant_id
                WHERE i.tenant_id = \(tenantID) AND i.status = \(state: InvoiceStatus.open)
                  AND NOT EXISTS (SELECT 1 FROM invoice_notices n WHERE n.tenant_id = i.tenant_id
                                  AND n.invoice_id = i.invoice_id AND n.kind = 'overdue')
                  AND \(unescaped: Self.noDebitOnItsWay)
                UNION ALL
                SELECT ((i.due_date + 1)::timestamp AT TIME ZONE t.time_zone)
                FROM invoices i JOIN tenants t ON t.tenant_id = i.tenant_id
                JOIN subscriptions s ON s.tenant_id = i.tenant_id AND s.subscription_id = i.subscription_id
                WHERE i.tenant_id = \(tenantID) AND i.status = \(state: InvoiceStatus.open) AND s.status = \(state: SubscriptionStatus.active)
                  AND \(unescaped: Self.noDebitOnItsWay)
                UNION ALL
                SELECT (d.collection_date::timestamp AT TIME ZONE t.time_zone)
                FROM sepa_debits d
                JOIN sepa_batches b ON b.tenant_id = d.tenant_id AND b.batch_id = d.batch_id AND b.status = 'submitted'
                JOIN tenants t ON t.tenant_id = d.tenant_id
                WHERE d.tenant_id = \(tenantID) AND d.status = 'batched'
            ) AS pending WHERE at <= \(target)
            """,
            logger: logger.forQuery
        )
        for try await at in rows.decode(Date?.self) { return at }
        return nil
    }
}
