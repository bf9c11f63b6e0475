import Foundation
import KontorCore
import PostgresNIO

/// The OP-Liste: open items as of a day, filtered, a page at a time (keyset on customer, due
/// date and sequence, so page 10,000 costs what page 1 does), and the filtered totals per
/// currency and aging bucket summed in the database.
extension OpenItemRepository {
    public typealias Cursor = OpenItemCursor
    public typealias ListedItem = ListedOpenItem

    /// Up to `limit` items after `cursor`, in customer, due-date and sequence order. Each
    /// item's open amount is its total less its allocations booked up to `day` (one index
    /// probe per item shown, not a scan of all allocations).
    public func page(
        asOf day: LocalDate, filter f: OpenItemFilter, after cursor: Cursor?, limit: Int, tenantID: String,
        on conn: PostgresConnection
    ) async throws -> [ListedItem] {
        let due = f.bucket?.dueDates(asOf: day)
        let rows = try await conn.query(
            """
            SELECT i.invoice_id, i.number, i.customer_id, i.issue_date, i.due_date, i.total, i.total - a.allocated,
                   i.currency, c.name, i.handed_over_at IS NOT NULL AND i.handed_over_at::date <= \(day),
                   i.billing_reason, i.claim_invoice_id, i.seq, coalesce(dc.level, 0),
                   EXISTS (SELECT 1 FROM disputes d WHERE d.tenant_id = i.tenant_id AND d.invoice_id = i.invoice_id
                           AND d.status = \(state: Dispute.Status.open))
            FROM invoices i
            CROSS JOIN LATERAL (SELECT coalesce(sum(al.amount), 0)::bigint AS allocated FROM allocations al
                                WHERE al.tenant_id = i.tenant_id AND al.invoice_id = i.invoice_id
                                  AND al.booking_date <= \(day)) a
            JOIN customers c ON c.tenant_id = i.tenant_id AND c.customer_id = i.customer_id
            LEFT JOIN dunning_cases dc ON dc.tenant_id = i.tenant_id AND dc.customer_id = i.customer_id
            WHERE i.tenant_id = \(tenantID) AND i.issue_date <= \(day)
              AND (\(f.customerID)::text IS NULL OR i.customer_id = \(f.customerID))
              AND (\(f.currency)::text IS NULL OR i.currency = \(f.currency))
              AND (\(due?.from)::date IS NULL OR i.due_date >= \(due?.from))
              AND (\(due?.through)::date IS NULL OR i.due_date <= \(due?.through))
              AND (\(f.level)::int IS NULL OR coalesce(dc.level, 0) = \(f.level))
              AND (\(f.disputed)::boolean IS NULL OR \(f.disputed) = EXISTS (
                       SELECT 1 FROM disputes d WHERE d.tenant_id = i.tenant_id AND d.invoice_id = i.invoice_id
                         AND d.status = \(state: Dispute.Status.open)))
              AND (\(cursor?.customerID)::text IS NULL
                   OR (i.customer_id, i.due_date, i.seq) > (\(cursor?.customerID), \(cursor?.dueDate), \(cursor?.seq)))
              AND i.total - a.allocated <> 0
            ORDER BY i.customer_id, i.due_date, i.seq
            LIMIT \(limit)
            """,
            logger: logger.forQuery
        )
        var result: [ListedItem] = []
        for try await r in rows.decode(
            (
                String, String, String, LocalDate, LocalDate, Int64, Int64, String, String?, Bool, String, String?,
                Int64, Int, Bool
            ).self)
        {
            result.append(
                ListedOpenItem(
                    item: OpenItem(
                        id: r.0, number: r.1, customerID: r.2, issueDate: r.3, dueDate: r.4, total: r.5,
                        open: r.6, currency: r.7, part: ClaimPart(billingReason: r.10), claimID: r.11),
                    customerName: r.8, handedOver: r.9, seq: r.12, level: r.13, disputed: r.14))
        }
        return result
    }

    /// Count and open sum per currency and aging bucket of the filtered items as of `day`,
    /// summed in the database (allocations aggregated once and hash-joined: the plan for all
    /// items, where `page` is the plan for a few).
    public func totals(asOf day: LocalDate, filter f: OpenItemFilter, tenantID: String, on conn: PostgresConnection)
        async throws -> [String: AgingTotals]
    {
        let due = f.bucket?.dueDates(asOf: day)
        let rows = try await conn.query(
            """
            SELECT i.currency, (\(day) - i.due_date)::int AS days, count(*)::bigint, sum(i.total - coalesce(a.allocated, 0))::bigint
            FROM invoices i
            LEFT JOIN (SELECT invoice_id, sum(amount)::bigint AS allocated FROM allocations
                       WHERE tenant_id = \(tenantID) AND booking_date <= \(day) GROUP BY invoice_id) a
                   ON a.invoice_id = i.invoice_id
            LEFT JOIN dunning_cases dc ON dc.tenant_id = i.tenant_id AND dc.customer_id = i.customer_id
            WHERE i.tenant_id = \(tenantID) AND i.issue_date <= \(day)
              AND (\(f.customerID)::text IS NULL OR i.customer_id = \(f.customerID))
              AND (\(f.currency)::text IS NULL OR i.currency = \(f.currency))
              AND (\(due?.from)::date IS NULL OR i.due_date >= \(due?.from))
              AND (\(due?.through)::date IS NULL OR i.due_date <= \(due?.through))
              AND (\(f.level)::int IS NULL OR coalesce(dc.level, 0) = \(f.level))
              AND (\(f.disputed)::boolean IS NULL OR \(f.disputed) = EXISTS (
                       SELECT 1 FROM disputes d WHERE d.tenant_id = i.tenant_id AND d.invoice_id = i.invoice_id
                         AND d.status = \(state: Dispute.Status.open)))
              AND i.total - coalesce(a.allocated, 0) <> 0
            GROUP BY 1, 2
            """,
            logger: logger.forQuery
        )
        var result: [String: AgingTotals] = [:]
        for try await (currency, days, count, sum) in rows.decode((String, Int, Int64, Int64).self) {
            result[currency, default: AgingTotals()].add(open: sum, daysPastDue: days, count: Int(count))
        }
        return result
    }

    /// A number that grows with every change to the tenant's books and receivables: the last
    /// event's sequence (every operation announces what it changed) and the last ledger entry.
    /// Totals computed at one watermark hold until it moves.
    public func watermark(tenantID: String, on conn: PostgresConnection) async throws -> String {
        let rows = try await conn.query(
            """
            SELECT coalesce((SELECT max(seq) FROM events WHERE tenant_id = \(tenantID)), 0)::bigint,
                   coalesce((SELECT max(entry_id) FROM ledger_entries WHERE tenant_id = \(tenantID)), 0)::bigint
            """,
            logger: logger.forQuery
        )
        for try await (e, l) in rows.decode((Int64, Int64).self) { return "\(e).\(l)" }
        return "0.0"
    }
}
