import Foundation
import KontorCore
import Logging
import PostgresNIO

/// A payment whose chargeback or return has come.
public struct DueReversal: Sendable {
    public let tenantID: String
    public let paymentID: String
    public let invoiceID: String?
    public let invoiceNumber: String?
    public let customerID: String
    public let subscriptionID: String?
    public let amount: Int64
    public let currency: String
    public let reason: String
    public let paymentMethodType: String
    public let livemode: Bool
    public let timeZone: String
}

/// Chargebacks and returned debits, set-based.
public struct ReversalRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Marks every payment whose reversal day has begun (tenant time zone) as reversed, reopens
    /// its invoice, and returns them. `FOR UPDATE SKIP LOCKED` plus `reversed_at` make each
    /// reversal happen once across nodes.
    public func reverseDue(now: Date, tenantID: String?, on conn: PostgresConnection) async throws -> [DueReversal] {
        let rows = try await conn.query(
            """
            WITH due AS (
                SELECT p.tenant_id, p.payment_id FROM payments p JOIN tenants t ON t.tenant_id = p.tenant_id
                WHERE p.reversal_due_on IS NOT NULL AND p.reversed_at IS NULL AND p.status = 'succeeded'
                  AND (p.reversal_due_on::timestamp AT TIME ZONE t.time_zone) <= \(now)
                  AND (\(tenantID)::text IS NULL OR p.tenant_id = \(tenantID))
                  AND (\(tenantID)::text IS NOT NULL OR t.test_clock_at IS NULL)
                FOR UPDATE OF p SKIP LOCKED
            ), reversed AS (
                UPDATE payments p SET reversed_at = \(now)
                FROM due WHERE p.tenant_id = due.tenant_id AND p.payment_id = due.payment_id
                RETURNING p.tenant_id, p.payment_id, p.invoice_id, p.customer_id, p.amount, p.currency,
                          p.reversal_reason, p.payment_method_id, p.livemode
            ), reopened AS (
                UPDATE invoices i SET amount_paid = i.amount_paid - r.amount, status = 'open', paid_at = NULL,
                    next_collection_at = NULL
                FROM reversed r WHERE i.tenant_id = r.tenant_id AND i.invoice_id = r.invoice_id
                RETURNING i.tenant_id, i.invoice_id, i.number, i.subscription_id
            )
            SELECT r.tenant_id, r.payment_id, r.invoice_id, o.number, r.customer_id, o.subscription_id, r.amount,
                   r.currency, coalesce(r.reversal_reason, 'unknown'), coalesce(pm.type, 'card'), r.livemode, t.time_zone
            FROM reversed r
            JOIN tenants t ON t.tenant_id = r.tenant_id
            LEFT JOIN reopened o ON o.tenant_id = r.tenant_id AND o.invoice_id = r.invoice_id
            LEFT JOIN payment_methods pm ON pm.tenant_id = r.tenant_id AND pm.payment_method_id = r.payment_method_id
            """,
            logger: logger
        )
        var result: [DueReversal] = []
        for try await r in rows.decode(
            (String, String, String?, String?, String, String?, Int64, String, String, String, Bool, String).self
        ) {
            result.append(
                DueReversal(
                    tenantID: r.0, paymentID: r.1, invoiceID: r.2, invoiceNumber: r.3, customerID: r.4,
                    subscriptionID: r.5, amount: r.6, currency: r.7, reason: r.8, paymentMethodType: r.9,
                    livemode: r.10, timeZone: r.11
                )
            )
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
              AND p.status = 'succeeded' AND (p.reversal_due_on::timestamp AT TIME ZONE t.time_zone) <= \(target)
            """,
            logger: logger
        )
        for try await at in rows.decode(Date?.self) { return at }
        return nil
    }
}
