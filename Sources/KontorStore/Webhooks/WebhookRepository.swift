import Foundation
import KontorCore
import Logging
import PostgresNIO

/// A delivery leased by a dispatcher: what to send where.
public struct LeasedDelivery: Sendable {
    public let tenantID: String
    public let deliveryID: String
    public let attempt: Int
    public let eventID: String
    public let eventType: String
    public let eventCreatedAt: Date
    public let eventData: String
    public let livemode: Bool
    public let endpointID: String
    public let url: String
    public let secret: String
}

public struct WebhookRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    static let columns =
        "endpoint_id, url, description, event_types, secret, status, disabled_reason, livemode, created_at"

    public func insert(_ e: WebhookEndpoint, tenantID: String, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            INSERT INTO webhook_endpoints (tenant_id, endpoint_id, url, description, event_types, secret, status,
                livemode, created_at, updated_at)
            VALUES (\(tenantID), \(e.id), \(e.url), \(e.description), \(e.eventTypes), \(e.secret), \(e.status.rawValue),
                \(e.livemode), \(e.createdAt), \(e.createdAt))
            """,
            logger: logger.forQuery
        )
    }

    public func find(_ id: String, tenantID: String, on conn: PostgresConnection) async throws -> WebhookEndpoint? {
        try await decode(
            conn.query(
                """
                SELECT \(unescaped: Self.columns) FROM webhook_endpoints
                WHERE tenant_id = \(tenantID) AND endpoint_id = \(id) AND status <> \(state: WebhookEndpointStatus.deleted)
                """,
                logger: logger.forQuery
            )
        ).first
    }

    public func list(tenantID: String, on conn: PostgresConnection) async throws -> [WebhookEndpoint] {
        try await decode(
            conn.query(
                """
                SELECT \(unescaped: Self.columns) FROM webhook_endpoints
                WHERE tenant_id = \(tenantID) AND status <> \(state: WebhookEndpointStatus.deleted) ORDER BY seq DESC
                """,
                logger: logger.forQuery
            )
        )
    }

    /// Deletes an endpoint (kept for the delivery log) and drops its pending deliveries.
    public func delete(_ id: String, tenantID: String, now: Date, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            UPDATE webhook_endpoints SET status = \(state: WebhookEndpointStatus.deleted), updated_at = \(now)
            WHERE tenant_id = \(tenantID) AND endpoint_id = \(id)
            """,
            logger: logger.forQuery
        )
        _ = try await conn.query(
            """
            UPDATE webhook_deliveries SET status = \(state: DeliveryStatus.failed)
            WHERE tenant_id = \(tenantID) AND endpoint_id = \(id) AND status = \(state: DeliveryStatus.pending)
            """,
            logger: logger.forQuery
        )
    }

    /// Leases up to `limit` due deliveries for `lease`: their `next_attempt_at` moves to
    /// `now + lease`, so a dispatcher that dies leaves them due again when the lease ends.
    public func lease(now: Date, lease: TimeInterval, limit: Int, on conn: PostgresConnection) async throws
        -> [LeasedDelivery]
    {
        let rows = try await conn.query(
            """
            WITH due AS (
                SELECT d.tenant_id, d.delivery_id FROM webhook_deliveries d
                WHERE d.status = \(state: DeliveryStatus.pending) AND d.next_attempt_at <= \(now)
                ORDER BY d.next_attempt_at LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ), leased AS (
                UPDATE webhook_deliveries d SET next_attempt_at = \(now.addingTimeInterval(lease)),
                       attempts = d.attempts + 1
                FROM due WHERE d.tenant_id = due.tenant_id AND d.delivery_id = due.delivery_id
                RETURNING d.tenant_id, d.delivery_id, d.attempts, d.event_id, d.endpoint_id
            )
            SELECT l.tenant_id, l.delivery_id, l.attempts, e.event_id, e.type, e.created_at, e.data::text, e.livemode,
                   w.endpoint_id, w.url, w.secret
            FROM leased l
            JOIN events e ON e.tenant_id = l.tenant_id AND e.event_id = l.event_id
            JOIN webhook_endpoints w ON w.tenant_id = l.tenant_id AND w.endpoint_id = l.endpoint_id
            """,
            logger: logger.forQuery
        )
        var result: [LeasedDelivery] = []
        for try await r in rows.decode(
            (String, String, Int32, String, String, Date, String, Bool, String, String, String).self
        ) {
            result.append(
                LeasedDelivery(
                    tenantID: r.0, deliveryID: r.1, attempt: Int(r.2), eventID: r.3, eventType: r.4,
                    eventCreatedAt: r.5, eventData: r.6, livemode: r.7, endpointID: r.8, url: r.9, secret: r.10
                )
            )
        }
        return result
    }

    /// One settled attempt, for `record(_:now:on:)`.
    public struct Outcome: Sendable {
        public let attempt: DeliveryAttempt
        public let delivery: LeasedDelivery
        public let delivered: Bool
        public let retryAt: Date?
        public let disableReason: String?

        public init(
            attempt: DeliveryAttempt, delivery: LeasedDelivery, delivered: Bool, retryAt: Date?, disableReason: String?
        ) {
            self.attempt = attempt
            self.delivery = delivery
            self.delivered = delivered
            self.retryAt = retryAt
            self.disableReason = disableReason
        }
    }

    /// Logs a batch of attempts and settles their deliveries with two statements (endpoints
    /// to disable, rare, one each).
    public func record(_ outcomes: [Outcome], now: Date, on conn: PostgresConnection) async throws {
        guard !outcomes.isEmpty else { return }
        let far = Date(timeIntervalSince1970: 0)
        _ = try await conn.query(
            """
            INSERT INTO webhook_attempts (tenant_id, delivery_id, attempt, attempted_at, status_code, latency_ms, error,
                response_excerpt)
            SELECT t, d, a, at, NULLIF(sc, -1), l, NULLIF(e, ''), NULLIF(r, '')
            FROM unnest(\(outcomes.map(\.delivery.tenantID)), \(outcomes.map(\.delivery.deliveryID)),
                        \(outcomes.map { Int32($0.attempt.attempt) }), \(outcomes.map(\.attempt.attemptedAt)),
                        \(outcomes.map { Int32($0.attempt.statusCode ?? -1) }),
                        \(outcomes.map { Int32($0.attempt.latencyMilliseconds) }), \(outcomes.map { $0.attempt.error ?? "" }),
                        \(outcomes.map { $0.attempt.responseExcerpt ?? "" })) AS x(t, d, a, at, sc, l, e, r)
            ON CONFLICT DO NOTHING
            """,
            logger: logger.forQuery
        )
        _ = try await conn.query(
            """
            UPDATE webhook_deliveries w SET
                status = x.status,
                next_attempt_at = CASE WHEN x.retry THEN x.at ELSE w.next_attempt_at END,
                delivered_at = CASE WHEN x.ok THEN \(now) ELSE w.delivered_at END
            FROM unnest(\(outcomes.map(\.delivery.tenantID)), \(outcomes.map(\.delivery.deliveryID)),
                        \(outcomes.map(\.delivered)), \(outcomes.map { $0.retryAt != nil }),
                        \(outcomes.map { $0.retryAt ?? far }),
                        \(outcomes.map { DeliveryStatus.after(attempt: $0.delivered, retriesLeft: $0.retryAt != nil).rawValue }))
                     AS x(t, d, ok, retry, at, status)
            WHERE w.tenant_id = x.t AND w.delivery_id = x.d
            """,
            logger: logger.forQuery
        )
        for outcome in outcomes {
            guard let reason = outcome.disableReason else { continue }
            _ = try await conn.query(
                """
                UPDATE webhook_endpoints SET status = \(state: WebhookEndpointStatus.disabled), disabled_reason = \(reason), updated_at = \(now)
                WHERE tenant_id = \(outcome.delivery.tenantID) AND endpoint_id = \(outcome.delivery.endpointID)
                  AND status = \(state: WebhookEndpointStatus.enabled)
                """,
                logger: logger.forQuery
            )
        }
    }

    /// New pending deliveries of an event: to one endpoint, or to every enabled one whose filter
    /// matches. Returns how many.
    public func redeliver(
        eventID: String, endpointID: String?, tenantID: String, now: Date, on conn: PostgresConnection
    ) async throws -> Int {
        let rows = try await conn.query(
            """
            INSERT INTO webhook_deliveries (tenant_id, delivery_id, event_id, endpoint_id, next_attempt_at, created_at)
            SELECT e.tenant_id, 'wd_' || substr(md5(random()::text || clock_timestamp()::text), 1, 24), e.event_id,
                   w.endpoint_id, \(now), \(now)
            FROM events e JOIN webhook_endpoints w ON w.tenant_id = e.tenant_id AND w.status = \(state: WebhookEndpointStatus.enabled)
            WHERE e.tenant_id = \(tenantID) AND e.event_id = \(eventID)
              AND (\(endpointID)::text IS NOT NULL AND w.endpoint_id = \(endpointID)
                   OR \(endpointID)::text IS NULL AND ('*' = ANY(w.event_types) OR e.type = ANY(w.event_types)
                        OR split_part(e.type, '.', 1) || '.*' = ANY(w.event_types)))
            RETURNING 1
            """,
            logger: logger.forQuery
        )
        var n = 0
        for try await _ in rows { n += 1 }
        return n
    }

    /// Deliveries of an event with every attempt, oldest first.
    public func deliveries(eventID: String, tenantID: String, on conn: PostgresConnection) async throws
        -> [DeliveryRecord]
    {
        let rows = try await conn.query(
            """
            SELECT d.delivery_id, d.endpoint_id, d.status, d.next_attempt_at, d.delivered_at,
                   a.attempt, a.attempted_at, a.status_code, a.latency_ms, a.error, a.response_excerpt
            FROM webhook_deliveries d
            LEFT JOIN webhook_attempts a ON a.tenant_id = d.tenant_id AND a.delivery_id = d.delivery_id
            WHERE d.tenant_id = \(tenantID) AND d.event_id = \(eventID)
            ORDER BY d.created_at, d.delivery_id, a.attempt
            """,
            logger: logger.forQuery
        )
        var order: [String] = []
        var heads: [String: (String, String, Date, Date?)] = [:]
        var attempts: [String: [DeliveryAttempt]] = [:]
        for try await r in rows.decode(
            (String, String, String, Date, Date?, Int32?, Date?, Int32?, Int32?, String?, String?).self
        ) {
            if heads[r.0] == nil {
                order.append(r.0)
                heads[r.0] = (r.1, r.2, r.3, r.4)
            }
            if let n = r.5, let at = r.6 {
                attempts[r.0, default: []].append(
                    DeliveryAttempt(
                        attempt: Int(n), attemptedAt: at, statusCode: r.7.map(Int.init),
                        latencyMilliseconds: Int(r.8 ?? 0), error: r.9, responseExcerpt: r.10
                    )
                )
            }
        }
        return try order.map { id in
            let h = heads[id]!
            let status = try DeliveryStatus.stored(h.1)
            return DeliveryRecord(
                id: id, endpointID: h.0, status: status, attempts: attempts[id] ?? [],
                nextAttemptAt: status == .pending ? h.2 : nil, deliveredAt: h.3
            )
        }
    }

    func decode(_ rows: PostgresRowSequence) async throws -> [WebhookEndpoint] {
        var result: [WebhookEndpoint] = []
        for try await r in rows.decode((String, String, String?, [String], String, String, String?, Bool, Date).self) {
            result.append(
                WebhookEndpoint(
                    id: r.0, url: r.1, description: r.2, eventTypes: r.3, secret: r.4, status: try .stored(r.5),
                    disabledReason: r.6,
                    livemode: r.7, createdAt: r.8
                )
            )
        }
        return result
    }
}
