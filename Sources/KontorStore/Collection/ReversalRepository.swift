import Foundation
import KontorCore
import Logging
import PostgresNIO

/// A payment whose chargeback or return has come.
public struct DueReversal: Sendable {
    public let tenantID: String
    public let paymentID: String
    public let customerID: String
    public let reason: String
    public let paymentMethodType: String
}

/// Chargebacks and returned debits the gateway announced, due now.
public struct ReversalRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Locks every payment whose reversal day has begun (tenant time zone) with `FOR UPDATE
    /// SKIP LOCKED`; the caller books the return in the same transaction, which sets
    /// `reversed_at`, so each reversal happens once across nodes.
    public func due(now: Date, tenantID: String?, limit: Int, on conn: PostgresConnection) async throws -> [DueReversal]
    {
        let rows = try await conn.query(
            """
            SELECT p.tenant_id, p.payment_id, p.customer_id, coalesce(p.reversal_reason, 'unknown'),
                   coalesce(pm.type, 'card')
            FROM payments p JOIN tenants t ON t.tenant_id = p.tenant_id
            LEFT JOIN payment_methods pm ON pm.tenant_id = p.tenant_id AND pm.payment_method_id = p.payment_method_id
            WHERE p.reversal_due_on IS NOT NULL AND p.reversed_at IS NULL AND p.status = \(state: PaymentStatus.succeeded)
              AND (p.reversal_due_on::timestamp AT TIME ZONE t.time_zone) <= \(now)
              AND (\(tenantID)::text IS NULL OR p.tenant_id = \(tenantID))
              AND (\(tenantID)::text IS NOT NULL OR t.test_clock_at IS NULL)
            ORDER BY p.reversal_due_on LIMIT \(limit)
            FOR UPDATE OF p SKIP LOCKED
            """,
            logger: logger.forQuery
        )
        var result: [DueReversal] = []
        for try await r in rows.decode((String, String, String, String, String).self) {
            result.append(
                DueReversal(tenantID: r.0, paymentID: r.1, customerID: r.2, reason: r.3, paymentMethodType: r.4))
        }
        return result
    }

    /// The earliest reversal instant of the tenant at or before `target` (test clock).
    public func nextDue(tenantID: String, before target: Date, on conn: PostgresConnection) async throws -> Date? {
        let rows = try await conn.query(
            """
            SELECT min(p.reversal_due_on::timestamp AT TIME ZONE t.time_zone)
            FROM payments p JOIN tenants t ON t.tenant_id = p.tenant_id
            WHERE p.tenant_id = \(tenantID) AND p.reversal_due_on IS NOT NULL AND p.reversed_at IS NULL
              AND p.status = \(state: PaymentStatus.succeeded) AND (p.reversal_due_on::timestamp AT TIME ZONE t.time_zone) <= \(target)
            """,
            logger: logger.forQuery
        )
        for try await at in rows.decode(Date?.self) { return at }
        return nil
    }
}
