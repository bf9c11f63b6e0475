import KontorCore
import Logging
import PostgresNIO

/// A worker's position in each tenant's outbox (`document_cursors`, `message_cursors`): which
/// tenants have events of the worker's types after it, a lock on it for one batch (`SKIP
/// LOCKED`: any number of nodes, one batch per tenant at a time), and moving it on.
struct OutboxCursor: Sendable {
    enum Table: String, Sendable {
        case documents = "document_cursors"
        case messages = "message_cursors"
    }

    let table: Table
    let eventTypes: [String]
    let logger: Logger

    /// The tenants (or `tenantID`) with such events after their cursor, in one query (the
    /// events index answers each tenant's question): an idle tick touches no cursor.
    func tenantsWithPending(tenantID: String?, on conn: PostgresConnection) async throws -> [String] {
        let rows = try await conn.query(
            """
            SELECT t.tenant_id FROM tenants t LEFT JOIN \(unescaped: table.rawValue) c ON c.tenant_id = t.tenant_id
            WHERE (\(tenantID)::text IS NULL OR t.tenant_id = \(tenantID))
              AND EXISTS (SELECT 1 FROM events e
                          WHERE e.tenant_id = t.tenant_id AND e.seq > coalesce(c.last_seq, 0)
                            AND e.type = ANY(\(eventTypes)))
            ORDER BY t.tenant_id
            """,
            logger: logger.forQuery)
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }

    /// Locks the tenant's cursor for this transaction — nil when another node holds it — and
    /// returns the position read up to.
    func lock(tenantID: String, on conn: PostgresConnection) async throws -> Int64? {
        _ = try await conn.query(
            "INSERT INTO \(unescaped: table.rawValue) (tenant_id) VALUES (\(tenantID)) ON CONFLICT DO NOTHING",
            logger: logger.forQuery)
        let rows = try await conn.query(
            "SELECT last_seq FROM \(unescaped: table.rawValue) WHERE tenant_id = \(tenantID) FOR UPDATE SKIP LOCKED",
            logger: logger.forQuery)
        for try await seq in rows.decode(Int64.self) { return seq }
        return nil
    }

    func advance(tenantID: String, to seq: Int64, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            "UPDATE \(unescaped: table.rawValue) SET last_seq = greatest(last_seq, \(seq)) WHERE tenant_id = \(tenantID)",
            logger: logger.forQuery)
    }
}
