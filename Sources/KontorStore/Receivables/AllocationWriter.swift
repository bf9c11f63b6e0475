import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Appends allocations and moves the invoices' payment state with them, in one statement.
///
/// This is the only writer of `amount_paid`, `amount_credited` and `amount_written_off`: the
/// cached columns always equal the sums of the invoice's allocations, and the status follows
/// from them (open while something is owed, paid when nothing is, written_off after a write-off).
/// Callers post the matching ledger booking, with the same booking date, in the same transaction.
public struct AllocationWriter: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    @discardableResult
    public func append(
        _ drafts: [AllocationDraft], bookingDate: LocalDate, tenantID: String, now: Date, on conn: PostgresConnection
    ) async throws -> [StatusChange] {
        guard !drafts.isEmpty else { return [] }
        // What moves on each invoice, summed here: the UPDATE joins invoices once, to an array
        // of known length. (Summing in SQL over the inserted rows, and reading the old status
        // through a second join, left the planner guessing one row on a side; it nested loops
        // over 10,000 × 5,000 rows.)
        var sums: [String: (paid: Int64, credited: Int64, written: Int64)] = [:]
        for d in drafts {
            var s = sums[d.invoiceID] ?? (0, 0, 0)
            switch d.kind {
            case .payment, .paymentReturn, .customerCredit: s.paid += d.amount
            case .creditNote: s.credited += d.amount
            case .writeOff: s.written += d.amount
            }
            sums[d.invoiceID] = s
        }
        let ids = Array(sums.keys)
        // The old status follows from the old amounts by the rule this writer keeps (see the
        // type's comment), so it needs no second read of the row.
        let rows = try await conn.query(
            """
            WITH inserted AS (
                INSERT INTO allocations (tenant_id, invoice_id, customer_id, kind, source_id, amount, currency,
                    booking_date, created_at)
                SELECT \(tenantID), i, c, k, s, m, cur,
                    greatest(\(bookingDate)::date, (SELECT locked_through + 1 FROM tenants WHERE tenant_id = \(tenantID))),
                    \(now)
                FROM unnest(\(drafts.map(\.invoiceID)), \(drafts.map(\.customerID)), \(drafts.map(\.kind.rawValue)),
                    \(drafts.map(\.sourceID)), \(drafts.map(\.amount)), \(drafts.map(\.currency))) AS d(i, c, k, s, m, cur)
            )
            UPDATE invoices i SET
                amount_paid = i.amount_paid + s.paid,
                amount_credited = i.amount_credited + s.credited,
                amount_written_off = i.amount_written_off + s.written,
                written_off_at = CASE WHEN s.written > 0 THEN \(now) ELSE i.written_off_at END,
                status = CASE WHEN i.total - i.amount_paid - s.paid - i.amount_credited - s.credited
                                   - i.amount_written_off - s.written > 0 THEN \(state: InvoiceStatus.open)
                              WHEN i.amount_written_off + s.written > 0 THEN \(state: InvoiceStatus.writtenOff) ELSE \(state: InvoiceStatus.paid) END,
                paid_at = CASE WHEN i.total - i.amount_paid - s.paid - i.amount_credited - s.credited
                                    - i.amount_written_off - s.written <= 0
                               THEN coalesce(i.paid_at, \(now)) ELSE NULL END,
                next_collection_at = CASE WHEN i.total - i.amount_paid - s.paid - i.amount_credited - s.credited
                                              - i.amount_written_off - s.written <= 0
                                         THEN NULL ELSE i.next_collection_at END
            FROM unnest(\(ids), \(ids.map { sums[$0]!.paid }), \(ids.map { sums[$0]!.credited }),
                \(ids.map { sums[$0]!.written })) AS s(invoice_id, paid, credited, written)
            WHERE i.tenant_id = \(tenantID) AND i.invoice_id = s.invoice_id
            RETURNING i.invoice_id,
                CASE WHEN i.total - (i.amount_paid - s.paid) - (i.amount_credited - s.credited)
                          - (i.amount_written_off - s.written) > 0 THEN \(state: InvoiceStatus.open)
                     WHEN i.amount_written_off - s.written > 0 THEN \(state: InvoiceStatus.writtenOff) ELSE \(state: InvoiceStatus.paid) END,
                i.status
            """,
            logger: logger.forQuery
        )
        var changes: [StatusChange] = []
        for try await (id, from, to) in rows.decode((String, String, String).self) where from != to {
            let change = StatusChange(invoiceID: id, from: try .stored(from), to: try .stored(to))
            // The SQL above applies `InvoiceStatus.settled`; what it moved must be a move Core allows.
            assert(change.from.canMove(to: change.to), "invoice \(id) moved \(from) → \(to)")
            changes.append(change)
        }
        return changes
    }
}
