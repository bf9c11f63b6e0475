import Foundation
import KontorCore
import Logging
import PostgresNIO

/// The append-only audit trail. Rows are written with the events of the operation that made the
/// change, in its transaction; each row's `before` is the object as the trail last saw it.
public struct AuditRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public struct Entry: Sendable {
        public let seq: Int64
        public let at: Date
        public let actor: AuditActor
        public let action: String
        public let objectType: String
        public let objectID: String
        public let reason: String?
        public let before: String?
        public let after: String
    }

    /// One row per change, in one statement: `changes` are (action, object type, object id,
    /// the object as JSON after the change).
    public func append(
        _ changes: [(action: String, objectType: String, objectID: String, after: Data)], actor: AuditActor,
        reason: String?, at: Date, tenantID: String, on conn: PostgresConnection
    ) async throws {
        guard !changes.isEmpty else { return }
        try await conn.query(
            """
            INSERT INTO audit_log (tenant_id, at, actor_type, actor_id, action, object_type, object_id, reason,
                before, after)
            SELECT \(tenantID), \(at), \(actor.kind.rawValue), \(actor.id), x.action, x.type, x.id, \(reason),
                   (SELECT a.after FROM audit_log a WHERE a.tenant_id = \(tenantID) AND a.object_id = x.id
                    ORDER BY a.seq DESC LIMIT 1), x.after::jsonb
            FROM unnest(\(changes.map(\.action)), \(changes.map(\.objectType)), \(changes.map(\.objectID)),
                        \(changes.map { String(decoding: $0.after, as: UTF8.self) })) WITH ORDINALITY
                 AS x(action, type, id, after, n)
            ORDER BY x.n
            """, logger: logger.forQuery)
    }

    /// The trail, newest first, of one object or of the whole tenant; keyset-paged by `seq`.
    public func list(objectID: String?, limit: Int, before seq: Int64?, tenantID: String, on conn: PostgresConnection)
        async throws -> [Entry]
    {
        let rows = try await conn.query(
            """
            SELECT seq, at, actor_type, actor_id, action, object_type, object_id, reason, before::text, after::text
            FROM audit_log
            WHERE tenant_id = \(tenantID) AND (\(objectID)::text IS NULL OR object_id = \(objectID))
              AND (\(seq)::bigint IS NULL OR seq < \(seq))
            ORDER BY seq DESC LIMIT \(limit)
            """, logger: logger.forQuery)
        var result: [Entry] = []
        for try await r in rows.decode(
            (Int64, Date, String, String, String, String, String, String?, String?, String).self)
        {
            result.append(
                Entry(
                    seq: r.0, at: r.1, actor: AuditActor(kind: AuditActor.Kind(rawValue: r.2) ?? .system, id: r.3),
                    action: r.4, objectType: r.5, objectID: r.6, reason: r.7, before: r.8, after: r.9))
        }
        return result
    }
}
