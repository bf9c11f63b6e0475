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
            VALUES (\(tenant.id), \(id), \(type), \(objectID), \(String(decoding: data, as: UTF8.self))::jsonb,
                    \(tenant.livemode), \(now))
            """,
            logger: logger
        )
        return id
    }
}
