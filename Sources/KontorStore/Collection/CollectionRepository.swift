import Foundation
import KontorCore
import Logging
import PostgresNIO

/// An invoice leased for a charge attempt.
public struct CollectionLease: Sendable {
    public let tenantID: String
    public let invoiceID: String
    public let invoiceNumber: String
    public let customerID: String
    public let subscriptionID: String?
    public let amount: Int64
    public let currency: String
    public let attempt: Int
    public let firstAttemptAt: Date
    public let paymentMethodID: String?
    public let retryDays: [Int]
    public let timeZone: String
    public let livemode: Bool
}

/// A payment to record.
public struct PaymentRecord: Sendable {
    public let id: String
    public let lease: CollectionLease
    public let succeeded: Bool
    public let failureCode: String?
    public let declineKind: String?
    public let gatewayReference: String?
    public let reversalDueOn: LocalDate?
    public let reversalReason: String?

    public init(
        id: String, lease: CollectionLease, succeeded: Bool, failureCode: String?, declineKind: String?,
        gatewayReference: String?, reversalDueOn: LocalDate?, reversalReason: String?
    ) {
        self.id = id
        self.lease = lease
        self.succeeded = succeeded
        self.failureCode = failureCode
        self.declineKind = declineKind
        self.gatewayReference = gatewayReference
        self.reversalDueOn = reversalDueOn
        self.reversalReason = reversalReason
    }
}

public struct CollectionRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Leases open invoices whose next charge attempt is due (SKIP LOCKED), moving the attempt
    /// `lease` seconds ahead so that a node dying mid-charge only delays it.
    public func lease(now: Date, tenantID: String?, lease: TimeInterval, limit: Int, on conn: PostgresConnection)
        async throws -> [CollectionLease]
    {
        let rows = try await conn.query(
            """
            WITH due AS (
                SELECT i.tenant_id, i.invoice_id FROM invoices i
                WHERE i.next_collection_at <= \(now) AND i.status = 'open'
                  AND (\(tenantID)::text IS NULL OR i.tenant_id = \(tenantID))
                  AND (\(tenantID)::text IS NOT NULL OR NOT EXISTS (
                      SELECT 1 FROM tenants t WHERE t.tenant_id = i.tenant_id AND t.test_clock_at IS NOT NULL))
                ORDER BY i.next_collection_at LIMIT \(limit)
                FOR UPDATE OF i SKIP LOCKED
            ), leased AS (
                UPDATE invoices i SET next_collection_at = \(now.addingTimeInterval(lease)),
                    collection_attempts = i.collection_attempts + 1,
                    first_attempt_at = coalesce(i.first_attempt_at, \(now))
                FROM due WHERE i.tenant_id = due.tenant_id AND i.invoice_id = due.invoice_id
                RETURNING i.tenant_id, i.invoice_id, i.number, i.customer_id, i.subscription_id,
                          i.total - i.amount_paid - i.amount_credited AS amount, i.currency, i.collection_attempts,
                          i.first_attempt_at, i.livemode
            )
            SELECT l.tenant_id, l.invoice_id, l.number, l.customer_id, l.subscription_id, l.amount, l.currency,
                   l.collection_attempts, l.first_attempt_at, c.default_payment_method, t.payment_retry_days,
                   t.time_zone, l.livemode
            FROM leased l
            JOIN customers c ON c.tenant_id = l.tenant_id AND c.customer_id = l.customer_id
            JOIN tenants t ON t.tenant_id = l.tenant_id
            """,
            logger: logger
        )
        var result: [CollectionLease] = []
        for try await r in rows.decode(
            (String, String, String, String, String?, Int64, String, Int32, Date, String?, [Int32], String, Bool).self
        ) {
            result.append(
                CollectionLease(
                    tenantID: r.0, invoiceID: r.1, invoiceNumber: r.2, customerID: r.3, subscriptionID: r.4,
                    amount: r.5, currency: r.6, attempt: Int(r.7), firstAttemptAt: r.8, paymentMethodID: r.9,
                    retryDays: r.10.map(Int.init), timeZone: r.11, livemode: r.12
                )
            )
        }
        return result
    }

    /// Stores the payment, and settles the invoice: paid, retried at `retryAt`, or no more
    /// automatic attempts (`retryAt` nil).
    public func record(
        _ p: PaymentRecord, paymentMethodID: String?, retryAt: Date?, now: Date, on conn: PostgresConnection
    )
        async throws
    {
        let l = p.lease
        _ = try await conn.query(
            """
            INSERT INTO payments (tenant_id, payment_id, customer_id, invoice_id, payment_method_id, amount, currency,
                status, failure_code, decline_kind, attempt, gateway_reference, reversal_due_on, reversal_reason,
                livemode, created_at)
            VALUES (\(l.tenantID), \(p.id), \(l.customerID), \(l.invoiceID), \(paymentMethodID), \(l.amount),
                \(l.currency), \(p.succeeded ? "succeeded" : "failed"), \(p.failureCode), \(p.declineKind), \(l.attempt),
                \(p.gatewayReference), \(p.reversalDueOn), \(p.reversalReason), \(l.livemode), \(now))
            """,
            logger: logger
        )
        // A success is allocated by the caller (AllocationWriter), which settles the invoice.
        if !p.succeeded {
            _ = try await conn.query(
                """
                UPDATE invoices SET next_collection_at = \(retryAt)
                WHERE tenant_id = \(l.tenantID) AND invoice_id = \(l.invoiceID)
                """,
                logger: logger
            )
        }
    }

    /// Stops automatic collection of an invoice (no payment method to charge).
    public func stop(_ l: CollectionLease, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            UPDATE invoices SET next_collection_at = NULL, collection_attempts = collection_attempts - 1
            WHERE tenant_id = \(l.tenantID) AND invoice_id = \(l.invoiceID)
            """,
            logger: logger
        )
    }

    /// A subscription with nothing open past its due date any more becomes active again.
    public func reactivateIfSettled(
        subscriptionID: String, tenantID: String, today: LocalDate, on conn: PostgresConnection
    )
        async throws -> Bool
    {
        let rows = try await conn.query(
            """
            UPDATE subscriptions s SET status = 'active'
            WHERE s.tenant_id = \(tenantID) AND s.subscription_id = \(subscriptionID) AND s.status = 'past_due'
              AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = s.tenant_id
                              AND i.subscription_id = s.subscription_id AND i.status = 'open'
                              AND i.due_date < \(today))
            RETURNING 1
            """,
            logger: logger
        )
        for try await _ in rows { return true }
        return false
    }
}
