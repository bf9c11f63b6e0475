import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Customer credit (`customers.balance`): money received beyond what was owed, applied to the
/// next invoice.
public struct CustomerBalanceRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Adds `delta` (negative to take credit back, never below zero) and returns what was
    /// actually moved.
    public func adjust(customerID: String, by delta: Int64, tenantID: String, on conn: PostgresConnection) async throws
        -> Int64
    {
        let rows = try await conn.query(
            """
            UPDATE customers c SET balance = greatest(0, c.balance + \(delta))
            FROM (SELECT balance AS before FROM customers WHERE tenant_id = \(tenantID) AND customer_id = \(customerID)
                  FOR UPDATE) b
            WHERE c.tenant_id = \(tenantID) AND c.customer_id = \(customerID)
            RETURNING c.balance - b.before
            """,
            logger: logger.forQuery
        )
        for try await moved in rows.decode(Int64.self) { return moved }
        return 0
    }

    /// Adds credit to many customers in one statement (a customer may appear more than once).
    public func add(_ credits: [(customerID: String, amount: Int64)], tenantID: String, on conn: PostgresConnection)
        async throws
    {
        guard !credits.isEmpty else { return }
        _ = try await conn.query(
            """
            UPDATE customers c SET balance = c.balance + t.amount
            FROM (SELECT id, sum(amount)::bigint AS amount
                  FROM unnest(\(credits.map(\.customerID)), \(credits.map(\.amount))) AS u(id, amount) GROUP BY id) t
            WHERE c.tenant_id = \(tenantID) AND c.customer_id = t.id
            """,
            logger: logger.forQuery
        )
    }

    public struct Applied: Sendable {
        public let invoiceID: String
        public let customerID: String
        public let amount: Int64
        public let currency: String
        public let number: String
    }

    /// Applies credit to newly issued invoices (oldest first per customer), taking it off the
    /// customers' balances, in one statement. The caller appends the allocations and postings.
    public func takeCredit(forInvoices ids: [String], tenantID: String, on conn: PostgresConnection) async throws
        -> [Applied]
    {
        guard !ids.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            WITH inv AS (
                SELECT i.invoice_id, i.customer_id, i.total, i.currency, i.number, c.balance,
                    (sum(i.total) OVER (PARTITION BY i.customer_id ORDER BY i.seq))::bigint - i.total AS before
                FROM invoices i JOIN customers c ON c.tenant_id = i.tenant_id AND c.customer_id = i.customer_id
                WHERE i.tenant_id = \(tenantID) AND i.invoice_id = ANY(\(ids)) AND c.balance > 0 AND i.total > 0
                  AND i.currency = coalesce(c.currency, i.currency)
            ), applied AS (
                SELECT invoice_id, customer_id, currency, number, least(total, balance - before) AS amount
                FROM inv WHERE balance - before > 0
            ), taken AS (
                UPDATE customers c SET balance = c.balance - t.amount
                FROM (SELECT customer_id, sum(amount) AS amount FROM applied GROUP BY customer_id) t
                WHERE c.tenant_id = \(tenantID) AND c.customer_id = t.customer_id
                RETURNING c.customer_id
            )
            SELECT invoice_id, customer_id, amount, currency, number FROM applied
            WHERE EXISTS (SELECT 1 FROM taken WHERE taken.customer_id = applied.customer_id)
            """,
            logger: logger.forQuery
        )
        var result: [Applied] = []
        for try await r in rows.decode((String, String, Int64, String, String).self) {
            result.append(Applied(invoiceID: r.0, customerID: r.1, amount: r.2, currency: r.3, number: r.4))
        }
        return result
    }
}
