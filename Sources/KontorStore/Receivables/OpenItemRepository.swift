import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Open items: what customers still owe, now (for payments and dunning) or as of any day
/// (for period close).
public struct OpenItemRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    static let openColumns = """
        i.invoice_id, i.number, i.customer_id, i.issue_date, i.due_date, i.total,
        i.total - i.amount_paid - i.amount_credited - i.amount_written_off, i.currency, i.billing_reason,
        i.claim_invoice_id, i.default_since, i.interest_through
        """

    /// The open items of these customers, locked (`FOR UPDATE`) when money is about to be
    /// allocated to them, so two payments never both take the same open amount.
    public func current(customerIDs: [String], tenantID: String, lock: Bool, on conn: PostgresConnection)
        async throws -> [OpenItem]
    {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.openColumns) FROM invoices i
            WHERE i.tenant_id = \(tenantID) AND i.customer_id = ANY(\(customerIDs)) AND i.status = \(state: InvoiceStatus.open)
            ORDER BY i.due_date, i.seq
            \(unescaped: lock ? "FOR UPDATE" : "")
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    /// Open items by their numbers (bank-statement matching).
    public func current(numbers: [String], tenantID: String, on conn: PostgresConnection) async throws -> [OpenItem] {
        guard !numbers.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.openColumns) FROM invoices i
            WHERE i.tenant_id = \(tenantID) AND upper(i.number) = ANY(\(numbers)) AND i.status = \(state: InvoiceStatus.open)
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [OpenItem] {
        var items: [OpenItem] = []
        for try await r in rows.decode(
            (
                String, String, String, LocalDate, LocalDate, Int64, Int64, String, String, String?, LocalDate?,
                LocalDate?
            )
            .self)
        {
            items.append(
                OpenItem(
                    id: r.0, number: r.1, customerID: r.2, issueDate: r.3, dueDate: r.4, total: r.5, open: r.6,
                    currency: r.7, part: ClaimPart(billingReason: r.8), claimID: r.9, defaultSince: r.10,
                    interestThrough: r.11))
        }
        return items
    }

    /// One row of the open-item list as of a day.
    public struct Row: Sendable {
        public let item: OpenItem
        public let customerName: String?
        public let handedOver: Bool
    }

    /// Every item issued up to `asOf` with something open on that day, rebuilt from the
    /// allocations booked up to that day — later payments, returns and write-offs do not
    /// change it. Streams: `body` sees each row once, in customer and due-date order.
    public func asOf(
        _ day: LocalDate, tenantID: String, customerID: String?, on conn: PostgresConnection,
        _ body: (Row) async throws -> Void
    ) async throws {
        let rows = try await conn.query(
            """
            SELECT i.invoice_id, i.number, i.customer_id, i.issue_date, i.due_date, i.total,
                   i.total - coalesce(a.allocated, 0), i.currency, c.name,
                   i.handed_over_at IS NOT NULL AND i.handed_over_at::date <= \(day), i.billing_reason,
                   i.claim_invoice_id
            FROM invoices i
            LEFT JOIN (SELECT invoice_id, sum(amount)::bigint AS allocated FROM allocations
                       WHERE tenant_id = \(tenantID) AND booking_date <= \(day) GROUP BY invoice_id) a
                   ON a.invoice_id = i.invoice_id
            JOIN customers c ON c.tenant_id = i.tenant_id AND c.customer_id = i.customer_id
            WHERE i.tenant_id = \(tenantID) AND i.issue_date <= \(day)
              AND (\(customerID)::text IS NULL OR i.customer_id = \(customerID))
              AND i.total - coalesce(a.allocated, 0) <> 0
            ORDER BY i.customer_id, i.due_date, i.seq
            """,
            logger: logger.forQuery
        )
        for try await r in rows.decode(
            (String, String, String, LocalDate, LocalDate, Int64, Int64, String, String?, Bool, String, String?).self
        ) {
            try await body(
                Row(
                    item: OpenItem(
                        id: r.0, number: r.1, customerID: r.2, issueDate: r.3, dueDate: r.4, total: r.5, open: r.6,
                        currency: r.7, part: ClaimPart(billingReason: r.10), claimID: r.11),
                    customerName: r.8, handedOver: r.9))
        }
    }

    /// Balance of a ledger account up to and including `day`, per currency (debit positive).
    public func ledgerBalance(
        account: LedgerAccount, asOf day: LocalDate, tenantID: String, on conn: PostgresConnection
    ) async throws -> [String: Int64] {
        let rows = try await conn.query(
            """
            SELECT currency, sum(amount)::bigint FROM ledger_entries
            WHERE tenant_id = \(tenantID) AND account = \(account.rawValue) AND booking_date <= \(day)
            GROUP BY currency
            """,
            logger: logger.forQuery
        )
        var result: [String: Int64] = [:]
        for try await (currency, sum) in rows.decode((String, Int64).self) { result[currency] = sum }
        return result
    }

    /// Net movement of an account over a span of booking dates, per currency (debit positive).
    public func ledgerMovement(
        account: LedgerAccount, from: LocalDate, to: LocalDate, tenantID: String, on conn: PostgresConnection
    ) async throws -> [String: Int64] {
        let rows = try await conn.query(
            """
            SELECT currency, sum(amount)::bigint FROM ledger_entries
            WHERE tenant_id = \(tenantID) AND account = \(account.rawValue)
              AND booking_date BETWEEN \(from) AND \(to)
            GROUP BY currency
            """,
            logger: logger.forQuery
        )
        var result: [String: Int64] = [:]
        for try await (currency, sum) in rows.decode((String, Int64).self) { result[currency] = sum }
        return result
    }
}
