import Foundation
import KontorCore
import Logging
import PostgresNIO

/// The transactional outbox. `append` must be called on the connection of the transaction that
/// made the change, so an event exists if and only if its change committed.
public struct EventOutbox: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Writes one event; `data` is the JSON object that goes into the envelope's `data`.
    @discardableResult
    public func append(
        type: EventType, objectID: String?, data: Data, tenant: Tenant, now: Date, on conn: PostgresConnection
    ) async throws -> String {
        let id = Identifier.make("evt")
        _ = try await conn.query(
            """
            WITH e AS (
                INSERT INTO events (tenant_id, event_id, type, object_id, data, livemode, created_at)
                VALUES (\(tenant.id), \(id), \(type.rawValue), \(objectID), \(String(decoding: data, as: UTF8.self))::json,
                        \(tenant.livemode), \(now))
                RETURNING tenant_id, event_id, type, created_at
            )
            \(unescaped: Self.fanOut)
            """,
            logger: logger.forQuery
        )
        return id
    }

    /// Creates a pending delivery for each enabled endpoint of the tenant whose filter matches,
    /// in the statement that inserts the events (`e`). Delivery ids are derived from the event
    /// and endpoint ids, so they need no extra round trip.
    static let fanOut = """
        INSERT INTO webhook_deliveries (tenant_id, delivery_id, event_id, endpoint_id, next_attempt_at, created_at)
        SELECT e.tenant_id, 'wd_' || substr(e.event_id, 5) || '_' || substr(w.endpoint_id, 4), e.event_id,
               w.endpoint_id, now(), now()
        FROM e JOIN webhook_endpoints w ON w.tenant_id = e.tenant_id AND w.status = '\(WebhookEndpointStatus.enabled.rawValue)'
         AND ('*' = ANY(w.event_types) OR e.type = ANY(w.event_types)
              OR split_part(e.type, '.', 1) || '.*' = ANY(w.event_types))
        """

    /// One event to write in bulk.
    public struct Draft: Sendable {
        public let type: EventType
        public let objectID: String?
        public let data: Data
        public let createdAt: Date

        public init(type: EventType, objectID: String?, data: Data, createdAt: Date) {
            self.type = type
            self.objectID = objectID
            self.data = data
            self.createdAt = createdAt
        }
    }

    /// Writes many events of one tenant with one statement, in the order given; returns their ids.
    @discardableResult
    public func append(_ drafts: [Draft], tenantID: String, livemode: Bool, on conn: PostgresConnection) async throws
        -> [String]
    {
        guard !drafts.isEmpty else { return [] }
        let ids = drafts.map { _ in Identifier.make("evt") }
        _ = try await conn.query(
            """
            WITH e AS (
                INSERT INTO events (tenant_id, event_id, type, object_id, data, livemode, created_at)
                SELECT \(tenantID), d.id, d.type, NULLIF(d.object_id, ''), d.data::json, \(livemode), d.created_at
                FROM unnest(\(ids), \(drafts.map(\.type.rawValue)),
                            \(drafts.map { $0.objectID ?? "" }), \(drafts.map { String(decoding: $0.data, as: UTF8.self) }),
                            \(drafts.map(\.createdAt))) WITH ORDINALITY AS d(id, type, object_id, data, created_at, n)
                ORDER BY d.n
                RETURNING tenant_id, event_id, type, created_at
            )
            \(unescaped: Self.fanOut)
            """,
            logger: logger.forQuery
        )
        return ids
    }
}
