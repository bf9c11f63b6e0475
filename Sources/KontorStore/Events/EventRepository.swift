import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Reads the outbox for `GET /v1/events`.
public struct EventRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func find(_ id: String, tenantID: String, on conn: PostgresConnection) async throws -> StoredEvent? {
        try await decode(
            conn.query(
                """
                SELECT event_id, type, object_id, data::text, livemode, created_at FROM events
                WHERE tenant_id = \(tenantID) AND event_id = \(id)
                """,
                logger: logger.forQuery
            )
        ).first
    }

    /// Newest first; `type` may end in `.*` for a family; `objectID` filters by the object.
    public func list(
        tenantID: String, type: String?, objectID: String?, limit: Int, startingAfter: String?,
        on conn: PostgresConnection
    ) async throws -> (events: [StoredEvent], hasMore: Bool) {
        let family = type.flatMap { $0.hasSuffix(".*") ? String($0.dropLast(1)) + "%" : nil }
        let exact = family == nil ? type : nil
        let found = try await decode(
            conn.query(
                """
                SELECT event_id, type, object_id, data::text, livemode, created_at FROM events
                WHERE tenant_id = \(tenantID)
                  AND (\(exact)::text IS NULL OR type = \(exact))
                  AND (\(family)::text IS NULL OR type LIKE \(family))
                  AND (\(objectID)::text IS NULL OR object_id = \(objectID))
                  AND (\(startingAfter)::text IS NULL OR seq < (SELECT seq FROM events
                       WHERE tenant_id = \(tenantID) AND event_id = \(startingAfter)))
                ORDER BY seq DESC LIMIT \(limit + 1)
                """,
                logger: logger.forQuery
            )
        )
        return (Array(found.prefix(limit)), found.count > limit)
    }

    func decode(_ rows: PostgresRowSequence) async throws -> [StoredEvent] {
        var result: [StoredEvent] = []
        for try await r in rows.decode((String, String, String?, String, Bool, Date).self) {
            result.append(StoredEvent(id: r.0, type: r.1, objectID: r.2, data: r.3, livemode: r.4, createdAt: r.5))
        }
        return result
    }
}
