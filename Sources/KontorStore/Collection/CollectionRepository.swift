import Foundation
import KontorCore
import Logging
import PostgresNIO

/// An invoice leased for a charge attempt, with its charge intent.
public struct CollectionLease: Sendable {
    /// The charge intent: the PSP idempotency key, the same for every retry of this intent.
    public let intentID: String
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

    public init(
        intentID: String, tenantID: String, invoiceID: String, invoiceNumber: String, customerID: String,
        subscriptionID: String?, amount: Int64, currency: String, attempt: Int, firstAttemptAt: Date,
        paymentMethodID: String?, retryDays: [Int], timeZone: String, livemode: Bool
    ) {
        self.intentID = intentID
        self.tenantID = tenantID
        self.invoiceID = invoiceID
        self.invoiceNumber = invoiceNumber
        self.customerID = customerID
        self.subscriptionID = subscriptionID
        self.amount = amount
        self.currency = currency
        self.attempt = attempt
        self.firstAttemptAt = firstAttemptAt
        self.paymentMethodID = paymentMethodID
        self.retryDays = retryDays
        self.timeZone = timeZone
        self.livemode = livemode
    }
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

    /// Leases open invoices whose next charge attempt is due (SKIP LOCKED) and gives each its
    /// charge intent: a new one (attempt counted), or the pending one of a lease that expired —
    /// same key, same amount, so the PSP answers the charge it already made instead of making a
    /// second. An intent's lease runs on the database clock (`leaseSeconds`), which all nodes
    /// share, never on a tenant's test clock (it jumps): while a lease holds, no other run, on
    /// this node or another, at this `now` or a later one, leases the invoice.
    ///
    /// `only` leases that one invoice whenever its next attempt is planned (the debtor pays it
    /// now in the portal) and charges `method` instead of the customer's default: the intent
    /// keeps the method, so a lease that expires mid-charge is resumed on the same one.
    public func lease(
        now: Date, tenantID: String?, lease leaseSeconds: TimeInterval, limit: Int,
        only: (invoiceID: String, method: String)? = nil, on conn: PostgresConnection
    ) async throws -> [CollectionLease] {
        let onlyInvoice = only?.invoiceID
        let method = only?.method
        let rows = try await conn.query(
            """
            WITH due AS (
                SELECT i.tenant_id, i.invoice_id,
                       EXISTS (SELECT 1 FROM charge_intents ci WHERE ci.tenant_id = i.tenant_id
                               AND ci.invoice_id = i.invoice_id AND ci.status = \(state: ChargeIntentStatus.pending)) AS resumed
                FROM invoices i
                WHERE (i.next_collection_at <= \(now) OR i.invoice_id = \(onlyInvoice))
                  AND (\(onlyInvoice)::text IS NULL OR i.invoice_id = \(onlyInvoice))
                  AND i.status = \(state: InvoiceStatus.open)
                  AND i.total - i.amount_paid - i.amount_credited - i.amount_written_off > 0
                  AND (\(tenantID)::text IS NULL OR i.tenant_id = \(tenantID))
                  AND (\(tenantID)::text IS NOT NULL OR NOT EXISTS (
                      SELECT 1 FROM tenants t WHERE t.tenant_id = i.tenant_id AND t.test_clock_at IS NOT NULL))
                  AND NOT EXISTS (SELECT 1 FROM charge_intents ci WHERE ci.tenant_id = i.tenant_id
                                  AND ci.invoice_id = i.invoice_id AND ci.status = \(state: ChargeIntentStatus.pending)
                                  AND ci.leased_until > clock_timestamp())
                ORDER BY i.next_collection_at LIMIT \(limit)
                FOR UPDATE OF i SKIP LOCKED
            ), leased AS (
                UPDATE invoices i SET next_collection_at = \(now.addingTimeInterval(leaseSeconds)),
                    collection_attempts = i.collection_attempts + CASE WHEN due.resumed THEN 0 ELSE 1 END,
                    first_attempt_at = coalesce(i.first_attempt_at, \(now))
                FROM due WHERE i.tenant_id = due.tenant_id AND i.invoice_id = due.invoice_id
                RETURNING i.tenant_id, i.invoice_id, i.number, i.customer_id, i.subscription_id,
                          i.total - i.amount_paid - i.amount_credited - i.amount_written_off AS amount, i.currency,
                          i.collection_attempts, i.first_attempt_at, i.livemode
            ), intents AS (
                INSERT INTO charge_intents (tenant_id, intent_id, invoice_id, attempt, amount, currency, status,
                    leased_until, created_at, payment_method_id)
                SELECT l.tenant_id, 'ci_' || md5(l.tenant_id || l.invoice_id || l.collection_attempts || clock_timestamp()),
                       l.invoice_id, l.collection_attempts, l.amount, l.currency, \(state: ChargeIntentStatus.pending),
                       clock_timestamp() + make_interval(secs => \(leaseSeconds)), \(now), \(method)::text
                FROM leased l
                ON CONFLICT (tenant_id, invoice_id) WHERE status = \(state: ChargeIntentStatus.pending)
                    DO UPDATE SET leased_until = EXCLUDED.leased_until
                RETURNING tenant_id, invoice_id, intent_id, attempt, amount, payment_method_id
            )
            SELECT n.intent_id, l.tenant_id, l.invoice_id, l.number, l.customer_id, l.subscription_id, n.amount,
                   l.currency, n.attempt, l.first_attempt_at, coalesce(n.payment_method_id, c.default_payment_method),
                   t.payment_retry_days,
                   t.time_zone, l.livemode
            FROM leased l
            JOIN intents n ON n.tenant_id = l.tenant_id AND n.invoice_id = l.invoice_id
            JOIN customers c ON c.tenant_id = l.tenant_id AND c.customer_id = l.customer_id
            JOIN tenants t ON t.tenant_id = l.tenant_id
            """,
            logger: logger.forQuery
        )
        var result: [CollectionLease] = []
        for try await r in rows.decode(
            (
                String, String, String, String, String, String?, Int64, String, Int32, Date, String?, [Int32], String,
                Bool
            )
            .self
        ) {
            result.append(
                CollectionLease(
                    intentID: r.0, tenantID: r.1, invoiceID: r.2, invoiceNumber: r.3, customerID: r.4,
                    subscriptionID: r.5, amount: r.6, currency: r.7, attempt: Int(r.8), firstAttemptAt: r.9,
                    paymentMethodID: r.10, retryDays: r.11.map(Int.init), timeZone: r.12, livemode: r.13
                )
            )
        }
        return result
    }

    /// Whether a leased intent may still be sent to the PSP: it is pending and its invoice still
    /// owes money. Settled otherwise in the meantime (a bank transfer booked, a credit note), the
    /// intent is canceled and nothing is charged.
    public func confirmBeforeCharge(_ l: CollectionLease, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            UPDATE charge_intents ci SET status = \(state: ChargeIntentStatus.canceled)
            FROM invoices i
            WHERE ci.tenant_id = \(l.tenantID) AND ci.intent_id = \(l.intentID) AND ci.status = \(state: ChargeIntentStatus.pending)
              AND i.tenant_id = ci.tenant_id AND i.invoice_id = ci.invoice_id
              AND (i.status <> \(state: InvoiceStatus.open) OR i.total - i.amount_paid - i.amount_credited - i.amount_written_off <= 0)
            RETURNING 1
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return false }
        return true
    }

    /// Resolves a pending intent with its outcome. False when it was resolved already (a node
    /// whose lease expired recorded the same intent): the caller records nothing.
    public func resolve(
        _ l: CollectionLease, succeeded: Bool, paymentID: String, on conn: PostgresConnection
    ) async throws -> Bool {
        let rows = try await conn.query(
            """
            UPDATE charge_intents SET status = \((succeeded ? ChargeIntentStatus.succeeded : .failed).rawValue), payment_id = \(paymentID)
            WHERE tenant_id = \(l.tenantID) AND intent_id = \(l.intentID) AND status = \(state: ChargeIntentStatus.pending)
            RETURNING 1
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }

    /// What the invoice still owes now, its row locked until commit: a charge is allocated at
    /// most this much, the rest is the customer's credit.
    public func lockOpenAmount(_ l: CollectionLease, on conn: PostgresConnection) async throws -> Int64 {
        let rows = try await conn.query(
            """
            SELECT CASE WHEN status = \(state: InvoiceStatus.open) THEN total - amount_paid - amount_credited - amount_written_off ELSE 0 END
            FROM invoices WHERE tenant_id = \(l.tenantID) AND invoice_id = \(l.invoiceID) FOR UPDATE
            """,
            logger: logger.forQuery
        )
        for try await open in rows.decode(Int64.self) { return max(0, open) }
        return 0
    }

    /// Stores the payment, and settles the invoice: paid, retried at `retryAt`, or no more
    /// automatic attempts (`retryAt` nil).
    public func record(
        _ p: PaymentRecord, paymentMethodID: String?, retryAt: Date?, unallocated: Int64 = 0,
        endToEndID: String? = nil, now: Date, on conn: PostgresConnection
    )
        async throws
    {
        let l = p.lease
        _ = try await conn.query(
            """
            INSERT INTO payments (tenant_id, payment_id, customer_id, invoice_id, payment_method_id, amount, currency,
                status, failure_code, decline_kind, attempt, gateway_reference, reversal_due_on, reversal_reason,
                livemode, created_at, unallocated, end_to_end_id, next_attempt_at)
            VALUES (\(l.tenantID), \(p.id), \(l.customerID), \(l.invoiceID), \(paymentMethodID), \(l.amount),
                \(l.currency), \((p.succeeded ? PaymentStatus.succeeded : .failed).rawValue), \(p.failureCode), \(p.declineKind), \(l.attempt),
                \(p.gatewayReference), \(p.reversalDueOn), \(p.reversalReason), \(l.livemode), \(now), \(unallocated),
                \(endToEndID), \(retryAt))
            """,
            logger: logger.forQuery
        )
        // A success is allocated by the caller (AllocationWriter), which settles the invoice.
        if !p.succeeded {
            _ = try await conn.query(
                """
                UPDATE invoices SET next_collection_at = CASE WHEN status = \(state: InvoiceStatus.open) THEN \(retryAt)::timestamptz END
                WHERE tenant_id = \(l.tenantID) AND invoice_id = \(l.invoiceID)
                """,
                logger: logger.forQuery
            )
        }
    }

    /// Hands a pending intent to a bank file: resolved as `scheduled` with the payment id its
    /// debit will settle as, and the invoice no longer leased for charging. False when another
    /// node resolved the intent first.
    public func handOver(_ l: CollectionLease, paymentID: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            WITH resolved AS (
                UPDATE charge_intents SET status = \(state: ChargeIntentStatus.scheduled), payment_id = \(paymentID)
                WHERE tenant_id = \(l.tenantID) AND intent_id = \(l.intentID) AND status = \(state: ChargeIntentStatus.pending)
                RETURNING invoice_id
            )
            UPDATE invoices i SET next_collection_at = NULL
            FROM resolved r WHERE i.tenant_id = \(l.tenantID) AND i.invoice_id = r.invoice_id
            RETURNING 1
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }

    /// Stops automatic collection of an invoice (no payment method to charge).
    public func stop(_ l: CollectionLease, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            WITH canceled AS (
                UPDATE charge_intents SET status = \(state: ChargeIntentStatus.canceled)
                WHERE tenant_id = \(l.tenantID) AND intent_id = \(l.intentID) AND status = \(state: ChargeIntentStatus.pending)
            )
            UPDATE invoices SET next_collection_at = NULL, collection_attempts = collection_attempts - 1
            WHERE tenant_id = \(l.tenantID) AND invoice_id = \(l.invoiceID)
            """,
            logger: logger.forQuery
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
            UPDATE subscriptions s SET status = \(state: SubscriptionStatus.active)
            WHERE s.tenant_id = \(tenantID) AND s.subscription_id = \(subscriptionID) AND s.status = \(state: SubscriptionStatus.pastDue)
              AND NOT EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = s.tenant_id
                              AND i.subscription_id = s.subscription_id AND i.status = \(state: InvoiceStatus.open)
                              AND i.due_date < \(today))
            RETURNING 1
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }
}
