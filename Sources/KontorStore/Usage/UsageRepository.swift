import Foundation
import KontorCore
import Logging
import PostgresNIO

public struct UsageRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Inserts the event unless its id is known; returns the stored event either way and
    /// whether it was new.
    public func record(_ event: UsageEvent, tenantID: String, on conn: PostgresConnection) async throws -> (
        UsageEvent, inserted: Bool
    ) {
        let rows = try await conn.query(
            """
            INSERT INTO usage_events (tenant_id, usage_id, subscription_id, metric, quantity, occurred_at, recorded_at)
            VALUES (\(tenantID), \(event.id), \(event.subscriptionID), \(event.metric), \(event.quantity),
                    \(event.occurredAt), \(event.recordedAt))
            ON CONFLICT (tenant_id, usage_id) DO NOTHING RETURNING 1
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return (event, true) }
        guard let existing = try await find(event.id, tenantID: tenantID, on: conn) else { throw StoreError.notFound }
        return (existing, false)
    }

    /// Inserts the events whose ids are not known (one statement); returns the ids inserted.
    public func record(_ events: [UsageEvent], tenantID: String, on conn: PostgresConnection) async throws
        -> Set<String>
    {
        guard !events.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            INSERT INTO usage_events (tenant_id, usage_id, subscription_id, metric, quantity, occurred_at, recorded_at)
            SELECT \(tenantID), * FROM unnest(\(events.map(\.id)), \(events.map(\.subscriptionID)),
                \(events.map(\.metric)), \(events.map(\.quantity)), \(events.map(\.occurredAt)),
                \(events.map(\.recordedAt)))
            ON CONFLICT (tenant_id, usage_id) DO NOTHING RETURNING usage_id
            """,
            logger: logger.forQuery
        )
        var inserted: Set<String> = []
        for try await id in rows.decode(String.self) { inserted.insert(id) }
        return inserted
    }

    /// The stored events of these ids (those known).
    public func find(ids: [String], tenantID: String, on conn: PostgresConnection) async throws -> [UsageEvent] {
        guard !ids.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            SELECT usage_id, subscription_id, metric, quantity, occurred_at, recorded_at FROM usage_events
            WHERE tenant_id = \(tenantID) AND usage_id = ANY(\(ids))
            """,
            logger: logger.forQuery
        )
        var result: [UsageEvent] = []
        for try await r in rows.decode((String, String, String, Int64, Date, Date).self) {
            result.append(
                UsageEvent(id: r.0, subscriptionID: r.1, metric: r.2, quantity: r.3, occurredAt: r.4, recordedAt: r.5))
        }
        return result
    }

    public func find(_ id: String, tenantID: String, on conn: PostgresConnection) async throws -> UsageEvent? {
        let rows = try await conn.query(
            """
            SELECT usage_id, subscription_id, metric, quantity, occurred_at, recorded_at FROM usage_events
            WHERE tenant_id = \(tenantID) AND usage_id = \(id)
            """,
            logger: logger.forQuery
        )
        for try await r in rows.decode((String, String, String, Int64, Date, Date).self) {
            return UsageEvent(
                id: r.0, subscriptionID: r.1, metric: r.2, quantity: r.3, occurredAt: r.4, recordedAt: r.5
            )
        }
        return nil
    }

    /// A window of usage to total: one subscription, `[from, to)`.
    public struct Window: Sendable {
        public let tenantID: String
        public let subscriptionID: String
        public let from: Date
        public let to: Date

        public init(tenantID: String, subscriptionID: String, from: Date, to: Date) {
            self.tenantID = tenantID
            self.subscriptionID = subscriptionID
            self.from = from
            self.to = to
        }
    }

    /// Sum, max and count per metric for many windows in one query, keyed by subscription id.
    public func totals(_ windows: [Window], on conn: PostgresConnection) async throws -> [String: [String: UsageTotals]]
    {
        guard !windows.isEmpty else { return [:] }
        let rows = try await conn.query(
            """
            SELECT u.subscription_id, u.metric, sum(u.quantity)::bigint, max(u.quantity), count(*)
            FROM unnest(\(windows.map(\.tenantID)), \(windows.map(\.subscriptionID)), \(windows.map(\.from)),
                        \(windows.map(\.to))) AS w(tenant_id, subscription_id, from_at, to_at)
            JOIN usage_events u ON u.tenant_id = w.tenant_id AND u.subscription_id = w.subscription_id
                AND u.occurred_at >= w.from_at AND u.occurred_at < w.to_at
            GROUP BY u.subscription_id, u.metric
            """,
            logger: logger.forQuery
        )
        var result: [String: [String: UsageTotals]] = [:]
        for try await (sub, metric, sum, max, count) in rows.decode((String, String, Int64, Int64, Int64).self) {
            result[sub, default: [:]][metric] = UsageTotals(sum: sum, max: max, count: count)
        }
        return result
    }
}
