import Foundation
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
        type: String, objectID: String?, data: Data, tenant: Tenant, now: Date, on conn: PostgresConnection
    ) async throws -> String {
        let id = Identifier.make("evt")
        _ = try await conn.query(
            """
            INSERT INTO events (tenant_id, event_id, type, object_id, data, livemode, created_at)
            VALUES (\(tenant.id), \(id), \(type), \(objectID), \(String(decoding: data, as: UTF8.self))::json,
                    \(tenant.livemode), \(now))
            """,
            logger: logger
        )
        return id
    }

    /// One event to write in bulk.
    public struct Draft: Sendable {
        public let type: String
        public let objectID: String?
        public let data: Data
        public let createdAt: Date

        public init(type: String, objectID: String?, data: Data, createdAt: Date) {
            self.type = type
            self.objectID = objectID
            self.data = data
            self.createdAt = createdAt
        }
    }

    /// Writes many events of one tenant with one statement, in the order given.
    public func append(_ drafts: [Draft], tenantID: String, livemode: Bool, on conn: PostgresConnection) async throws {
        guard !drafts.isEmpty else { return }
        _ = try await conn.query(
            """
            INSERT INTO events (tenant_id, event_id, type, object_id, data, livemode, created_at)
            SELECT \(tenantID), e.id, e.type, NULLIF(e.object_id, ''), e.data::json, \(livemode), e.created_at
            FROM unnest(\(drafts.map { _ in Identifier.make("evt") }), \(drafts.map(\.type)),
                        \(drafts.map { $0.objectID ?? "" }), \(drafts.map { String(decoding: $0.data, as: UTF8.self) }),
                        \(drafts.map(\.createdAt))) WITH ORDINALITY AS e(id, type, object_id, data, created_at, n)
            ORDER BY e.n
            """,
            logger: logger
        )
    }
}
