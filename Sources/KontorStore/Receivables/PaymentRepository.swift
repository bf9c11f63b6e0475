import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Payments of every source: inserts money received, reads them with their allocations, and
/// marks them returned.
public struct PaymentRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public struct NewPayment: Sendable {
        public let id: String
        public let customerID: String
        public let amount: Int64
        public let currency: String
        public let source: String
        public let reference: String?
        public let unallocated: Int64
        public let payerIBAN: String?
        public let endToEndID: String?

        public init(
            id: String, customerID: String, amount: Int64, currency: String, source: String, reference: String?,
            unallocated: Int64, payerIBAN: String?, endToEndID: String? = nil
        ) {
            self.endToEndID = endToEndID
            self.id = id
            self.customerID = customerID
            self.amount = amount
            self.currency = currency
            self.source = source
            self.reference = reference
            self.unallocated = unallocated
            self.payerIBAN = payerIBAN
        }
    }

    public func insert(
        _ payments: [NewPayment], tenantID: String, livemode: Bool, now: Date, on conn: PostgresConnection
    )
        async throws
    {
        guard !payments.isEmpty else { return }
        _ = try await conn.query(
            """
            INSERT INTO payments (tenant_id, payment_id, customer_id, amount, currency, status, source, reference,
                unallocated, payer_iban, livemode, created_at, end_to_end_id)
            SELECT \(tenantID), i, c, m, cur, \(state: PaymentStatus.succeeded), s, NULLIF(r, ''), u, NULLIF(iban, ''), \(livemode), \(now),
                NULLIF(e2e, '')
            FROM unnest(\(payments.map(\.id)), \(payments.map(\.customerID)), \(payments.map(\.amount)),
                \(payments.map(\.currency)), \(payments.map(\.source)), \(payments.map { $0.reference ?? "" }),
                \(payments.map(\.unallocated)), \(payments.map { $0.payerIBAN ?? "" }),
                \(payments.map { $0.endToEndID ?? "" })) AS p(i, c, m, cur, s, r, u, iban, e2e)
            """,
            logger: logger.forQuery
        )
    }

    static let columns = """
        p.payment_id, p.customer_id, p.invoice_id, p.payment_method_id, p.amount, p.currency, p.status, p.source,
        p.reference, p.unallocated, p.failure_code, p.reversed_at, p.reversal_reason, p.return_fee,
        p.return_fee_invoice_id, p.livemode, p.created_at, p.end_to_end_id,
        CASE WHEN p.source = 'gateway' THEN p.attempt END, p.decline_kind, p.next_attempt_at
        """

    public func find(_ id: String, tenantID: String, lock: Bool = false, on conn: PostgresConnection) async throws
        -> ReceivedPayment?
    {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM payments p WHERE p.tenant_id = \(tenantID) AND p.payment_id = \(id)
            \(unescaped: lock ? "FOR UPDATE" : "")
            """,
            logger: logger.forQuery
        )
        return try await withAllocations(decode(rows), tenantID: tenantID, on: conn).first
    }

    public func list(
        tenantID: String, customerID: String?, limit: Int, startingAfter: String?, on conn: PostgresConnection
    ) async throws -> (payments: [ReceivedPayment], hasMore: Bool) {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM payments p
            WHERE p.tenant_id = \(tenantID) AND (\(customerID)::text IS NULL OR p.customer_id = \(customerID))
              AND (\(startingAfter)::text IS NULL OR p.seq < (SELECT seq FROM payments
                   WHERE tenant_id = \(tenantID) AND payment_id = \(startingAfter)))
            ORDER BY p.seq DESC LIMIT \(limit + 1)
            """,
            logger: logger.forQuery
        )
        let all = try await decode(rows)
        let page = try await withAllocations(Array(all.prefix(limit)), tenantID: tenantID, on: conn)
        return (page, all.count > limit)
    }

    func decode(_ rows: PostgresRowSequence) async throws -> [ReceivedPayment] {
        var result: [ReceivedPayment] = []
        for try await r in rows.decode(
            (
                String, String, String?, String?, Int64, String, String, String, String?, Int64, String?, Date?,
                String?, Int64?, String?, Bool, Date, String?, Int?, String?, Date?
            ).self
        ) {
            result.append(
                ReceivedPayment(
                    id: r.0, customerID: r.1, invoiceID: r.2, paymentMethodID: r.3, amount: r.4, currency: r.5,
                    status: try .stored(r.6), source: r.7, reference: r.8, unallocated: r.9, failureCode: r.10,
                    reversedAt: r.11,
                    returnReason: r.12, returnFee: r.13, returnFeeInvoiceID: r.14, livemode: r.15, createdAt: r.16,
                    endToEndID: r.17, allocations: [], attempt: r.18, declineKind: r.19, nextAttemptAt: r.20))
        }
        return result
    }

    /// Net allocations per payment and invoice, in one query.
    func withAllocations(_ payments: [ReceivedPayment], tenantID: String, on conn: PostgresConnection) async throws
        -> [ReceivedPayment]
    {
        guard !payments.isEmpty else { return payments }
        let rows = try await conn.query(
            """
            SELECT a.source_id, a.invoice_id, sum(a.amount)::bigint, min(i.billing_reason) FROM allocations a
            JOIN invoices i ON i.tenant_id = a.tenant_id AND i.invoice_id = a.invoice_id
            WHERE a.tenant_id = \(tenantID) AND a.source_id = ANY(\(payments.map(\.id)))
              AND a.kind IN ('payment', 'payment_return')
            GROUP BY a.source_id, a.invoice_id HAVING sum(a.amount) <> 0 ORDER BY min(a.allocation_id)
            """,
            logger: logger.forQuery
        )
        var shares: [String: [ReceivedPayment.Share]] = [:]
        for try await (payment, invoice, amount, reason) in rows.decode((String, String, Int64, String).self) {
            shares[payment, default: []].append(
                .init(invoice: invoice, amount: amount, part: ClaimPart(billingReason: reason).rawValue))
        }
        return payments.map { p in
            var p = p
            p.allocations = shares[p.id] ?? []
            return p
        }
    }

    /// Marks a payment returned. `false` if it was already (the caller answers 409).
    public func markReturned(
        _ id: String, reason: String, fee: Int64?, feeInvoiceID: String?, tenantID: String, now: Date,
        on conn: PostgresConnection
    ) async throws -> Bool {
        let rows = try await conn.query(
            """
            UPDATE payments SET reversed_at = \(now), reversal_reason = \(reason), return_fee = \(fee),
                return_fee_invoice_id = \(feeInvoiceID), reversal_due_on = NULL
            WHERE tenant_id = \(tenantID) AND payment_id = \(id) AND reversed_at IS NULL AND status = \(state: PaymentStatus.succeeded)
            RETURNING 1
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }

    /// Finds a payment by the references a return debit carries: our payment id as the
    /// end-to-end id, the gateway reference, or the end-to-end id a bank file carried.
    public func findForReturn(reference: String, tenantID: String, on conn: PostgresConnection) async throws -> String?
    {
        let rows = try await conn.query(
            """
            SELECT payment_id FROM payments
            WHERE tenant_id = \(tenantID)
              AND (payment_id = \(reference) OR gateway_reference = \(reference) OR end_to_end_id = \(reference))
              AND status = \(state: PaymentStatus.succeeded)
            LIMIT 1
            """,
            logger: logger.forQuery
        )
        for try await id in rows.decode(String.self) { return id }
        return nil
    }
}
