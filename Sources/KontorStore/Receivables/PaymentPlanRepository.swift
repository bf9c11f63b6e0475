import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Payment plans with what has been paid on their items since each began.
public struct PaymentPlanRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public struct Row: Sendable {
        public let plan: PaymentPlan
        public let currency: String
        public let createdAt: Date
        /// Paid on the plan's items since its start date (payments net of returns, customer credit).
        public let paid: Int64
        public let itemsOpen: Bool

        public init(plan: PaymentPlan, currency: String, createdAt: Date, paid: Int64, itemsOpen: Bool) {
            self.plan = plan
            self.currency = currency
            self.createdAt = createdAt
            self.paid = paid
            self.itemsOpen = itemsOpen
        }
    }

    /// The plans of these customers, oldest first, in one query.
    public func list(customerIDs: [String], tenantID: String, on conn: PostgresConnection) async throws -> [Row] {
        guard !customerIDs.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            SELECT p.plan_id, p.customer_id, p.invoice_ids, p.start_date, p.currency, p.created_at,
                   (SELECT array_agg(e->>'due_date' ORDER BY n) FROM jsonb_array_elements(p.instalments)
                        WITH ORDINALITY AS x(e, n)),
                   (SELECT array_agg((e->>'amount')::bigint ORDER BY n) FROM jsonb_array_elements(p.instalments)
                        WITH ORDINALITY AS x(e, n)),
                   coalesce((SELECT sum(a.amount) FROM allocations a
                             WHERE a.tenant_id = p.tenant_id AND a.invoice_id = ANY(p.invoice_ids)
                               AND a.kind IN ('payment', 'payment_return', 'customer_credit')
                               AND a.booking_date >= p.start_date), 0)::bigint,
                   EXISTS (SELECT 1 FROM invoices i
                           WHERE i.tenant_id = p.tenant_id AND i.invoice_id = ANY(p.invoice_ids) AND i.status = \(state: InvoiceStatus.open))
            FROM payment_plans p
            WHERE p.tenant_id = \(tenantID) AND p.customer_id = ANY(\(customerIDs))
            ORDER BY p.created_at, p.plan_id
            """,
            logger: logger.forQuery
        )
        var result: [Row] = []
        for try await r in rows.decode(
            (String, String, [String], LocalDate, String, Date, [String], [Int64], Int64, Bool).self
        ) {
            let instalments = zip(r.6, r.7).compactMap { date, amount in
                LocalDate(date).map { PaymentPlan.Instalment(dueDate: $0, amount: amount) }
            }
            result.append(
                Row(
                    plan: PaymentPlan(
                        id: r.0, customerID: r.1, invoiceIDs: r.2, instalments: instalments, startDate: r.3),
                    currency: r.4, createdAt: r.5, paid: r.8, itemsOpen: r.9))
        }
        return result
    }

    /// Stores a new, active plan; `instalments` is the JSON array of `{due_date, amount}`.
    public func insert(
        _ plan: PaymentPlan, currency: String, instalmentsJSON: String, tenantID: String, now: Date,
        on conn: PostgresConnection
    ) async throws {
        _ = try await conn.query(
            """
            INSERT INTO payment_plans (tenant_id, plan_id, customer_id, invoice_ids, instalments, currency, start_date,
                status, created_at)
            VALUES (\(tenantID), \(plan.id), \(plan.customerID), \(plan.invoiceIDs), \(instalmentsJSON)::jsonb,
                \(currency), \(plan.startDate), \(state: PaymentPlan.Status.active), \(now))
            """, logger: logger.forQuery)
    }
}
