import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Subscriptions of one tenant. Writes save the whole mutable state of a row that the caller
/// has locked with `find(forUpdate: true)` in the same transaction.
public struct SubscriptionRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public static let columns = """
        subscription_id, customer_id, plan_code, plan_version, quantity, currency, status, start_date, trial_end,
        billing_anchor, collection_method, payment_terms_days, current_period_start, current_period_end,
        current_period_trial, next_billing_date, next_billing_at, cancel_at_period_end, canceled_at, ended_on,
        paused_at, pending_plan_code, pending_plan_version, pending_quantity, metadata::text, livemode, created_at,
        updated_at
        """

    /// The column list qualified with a table alias (`s.`), for joins.
    public static func columns(prefix: String) -> String {
        columns.split(separator: ",").map { prefix + $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .joined(separator: ", ")
    }

    public func insert(_ s: Subscription, tenantID: String, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            INSERT INTO subscriptions (tenant_id, subscription_id, customer_id, plan_code, plan_version, quantity,
                currency, status, start_date, trial_end, billing_anchor, collection_method, payment_terms_days,
                current_period_start, current_period_end, current_period_trial, next_billing_date, next_billing_at,
                metadata, livemode, created_at, updated_at)
            VALUES (\(tenantID), \(s.id), \(s.customerID), \(s.planCode), \(s.planVersion), \(s.quantity),
                \(s.currency), \(s.status.rawValue), \(s.startDate), \(s.trialEnd), \(s.billingAnchor),
                \(s.collectionMethod.rawValue), \(s.paymentTermsDays), \(s.currentPeriodStart),
                \(s.currentPeriodEnd), \(s.currentPeriodTrial), \(s.nextBillingDate), \(s.nextBillingAt),
                \(try MetadataJSON.encode(s.metadata))::jsonb, \(s.livemode), \(s.createdAt), \(s.updatedAt))
            """,
            logger: logger.forQuery
        )
    }

    /// Saves every mutable field of `s`.
    public func save(_ s: Subscription, tenantID: String, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            UPDATE subscriptions SET plan_code = \(s.planCode), plan_version = \(s.planVersion),
                quantity = \(s.quantity), status = \(s.status.rawValue), trial_end = \(s.trialEnd),
                current_period_start = \(s.currentPeriodStart), current_period_end = \(s.currentPeriodEnd),
                current_period_trial = \(s.currentPeriodTrial), next_billing_date = \(s.nextBillingDate),
                next_billing_at = \(s.nextBillingAt), cancel_at_period_end = \(s.cancelAtPeriodEnd),
                canceled_at = \(s.canceledAt), ended_on = \(s.endedOn), paused_at = \(s.pausedAt),
                pending_plan_code = \(s.pendingPlanCode), pending_plan_version = \(s.pendingPlanVersion),
                pending_quantity = \(s.pendingQuantity), metadata = \(try MetadataJSON.encode(s.metadata))::jsonb,
                updated_at = \(s.updatedAt)
            WHERE tenant_id = \(tenantID) AND subscription_id = \(s.id)
            """,
            logger: logger.forQuery
        )
    }

    public func find(_ id: String, tenantID: String, forUpdate: Bool = false, on conn: PostgresConnection)
        async throws -> Subscription?
    {
        try await Self.decode(
            conn.query(
                """
                SELECT \(unescaped: Self.columns) FROM subscriptions
                WHERE tenant_id = \(tenantID) AND subscription_id = \(id) \(unescaped: forUpdate ? "FOR UPDATE" : "")
                """,
                logger: logger.forQuery
            )
        ).first
    }

    /// `forShare` locks them in id order (so two callers never deadlock): a billing run, which
    /// locks a subscription for update, waits for the caller's commit, and the caller for it.
    public func find(ids: [String], tenantID: String, forShare: Bool = false, on conn: PostgresConnection)
        async throws -> [Subscription]
    {
        try await Self.decode(
            conn.query(
                """
                SELECT \(unescaped: Self.columns) FROM subscriptions
                WHERE tenant_id = \(tenantID) AND subscription_id = ANY(\(ids))
                \(unescaped: forShare ? "ORDER BY subscription_id FOR SHARE" : "")
                """,
                logger: logger.forQuery
            )
        )
    }

    /// Newest first; optionally one customer's; cursor by id.
    public func list(
        tenantID: String, customerID: String?, limit: Int, startingAfter: String?, on conn: PostgresConnection
    ) async throws -> (subscriptions: [Subscription], hasMore: Bool) {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM subscriptions
            WHERE tenant_id = \(tenantID)
              AND (\(customerID)::text IS NULL OR customer_id = \(customerID))
              AND (\(startingAfter)::text IS NULL OR seq < (SELECT seq FROM subscriptions
                   WHERE tenant_id = \(tenantID) AND subscription_id = \(startingAfter)))
            ORDER BY seq DESC LIMIT \(limit + 1)
            """,
            logger: logger.forQuery
        )
        let found = try await Self.decode(rows)
        return (Array(found.prefix(limit)), found.count > limit)
    }

    /// The earliest billing boundary of the tenant's subscriptions at or before `target`.
    public func nextBillingAt(tenantID: String, before target: Date, on conn: PostgresConnection) async throws -> Date?
    {
        let rows = try await conn.query(
            """
            SELECT min(next_billing_at) FROM subscriptions
            WHERE tenant_id = \(tenantID) AND next_billing_at <= \(target)
            """,
            logger: logger.forQuery
        )
        for try await value in rows.decode(Date?.self) { return value }
        return nil
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [Subscription] {
        var result: [Subscription] = []
        for try await row in rows { result.append(try decode(row)) }
        return result
    }

    /// Decodes the first 28 columns of `row` (the `columns` list).
    static func decode(_ row: PostgresRow) throws -> Subscription {
        let r = try row.decode(
            (
                String, String, String, Int32, Int64, String, String, LocalDate, LocalDate?, LocalDate, String,
                Int32, LocalDate?, LocalDate?, Bool, LocalDate?, Date?, Bool, Date?, LocalDate?, Date?, String?,
                Int32?, Int64?, String, Bool, Date, Date
            ).self
        )
        var s = Subscription(
            id: r.0, customerID: r.1, planCode: r.2, planVersion: Int(r.3), quantity: r.4, currency: r.5,
            status: SubscriptionStatus(rawValue: r.6) ?? .active, startDate: r.7, trialEnd: r.8,
            billingAnchor: r.9, collectionMethod: CollectionMethod(rawValue: r.10) ?? .sendInvoice,
            paymentTermsDays: Int(r.11),
            metadata: try MetadataJSON.decode(r.24), livemode: r.25,
            now: r.26
        )
        s.currentPeriodStart = r.12
        s.currentPeriodEnd = r.13
        s.currentPeriodTrial = r.14
        s.nextBillingDate = r.15
        s.nextBillingAt = r.16
        s.cancelAtPeriodEnd = r.17
        s.canceledAt = r.18
        s.endedOn = r.19
        s.pausedAt = r.20
        s.pendingPlanCode = r.21
        s.pendingPlanVersion = r.22.map(Int.init)
        s.pendingQuantity = r.23
        s.updatedAt = r.27
        return s
    }
}
