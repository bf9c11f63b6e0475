import Foundation
import KontorCore
import Logging
import NIOCore
import PostgresNIO

/// pain.008 batches: inserted with their file once, submitted by stamping; the file is never
/// changed (a trigger guards it).
public struct SEPABatchRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    static let columns = """
        batch_id, message_id, format, status, made_on, debit_count, control_sum, sha256, livemode, created_at,
        submitted_at
        """

    public func insert(_ b: SEPABatchRecord, file: [UInt8], tenantID: String, on conn: PostgresConnection)
        async throws
    {
        _ = try await conn.query(
            """
            INSERT INTO sepa_batches (tenant_id, batch_id, message_id, format, status, made_on, debit_count,
                control_sum, file, sha256, livemode, created_at)
            VALUES (\(tenantID), \(b.id), \(b.messageID), \(b.format), \(b.status.rawValue), \(b.madeOn),
                \(Int32(b.debitCount)), \(b.controlSum), \(ByteBuffer(bytes: file)), \(b.sha256), \(b.livemode),
                \(b.createdAt))
            """,
            logger: logger.forQuery
        )
    }

    /// Newest first, after the cursor `startingAfter` when given.
    public func list(
        limit: Int, startingAfter: String?, status: SEPABatchRecord.Status?, tenantID: String,
        on conn: PostgresConnection
    ) async throws -> [SEPABatchRecord] {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM sepa_batches
            WHERE tenant_id = \(tenantID) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(startingAfter)::text IS NULL OR seq < (SELECT seq FROM sepa_batches
                                                          WHERE tenant_id = \(tenantID) AND batch_id = \(startingAfter)))
            ORDER BY seq DESC
            LIMIT \(limit)
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    public func find(_ id: String, tenantID: String, on conn: PostgresConnection) async throws -> SEPABatchRecord? {
        let rows = try await conn.query(
            "SELECT \(unescaped: Self.columns) FROM sepa_batches WHERE tenant_id = \(tenantID) AND batch_id = \(id)",
            logger: logger.forQuery
        )
        return try await Self.decode(rows).first
    }

    /// The file as stored.
    public func file(_ id: String, tenantID: String, on conn: PostgresConnection) async throws -> ByteBuffer? {
        let rows = try await conn.query(
            "SELECT file FROM sepa_batches WHERE tenant_id = \(tenantID) AND batch_id = \(id)",
            logger: logger.forQuery
        )
        for try await file in rows.decode(ByteBuffer.self) { return file }
        return nil
    }

    /// Marks a created batch submitted; false when it was not `created` (submitted already).
    public func submit(_ id: String, at now: Date, tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            UPDATE sepa_batches SET status = 'submitted', submitted_at = \(now)
            WHERE tenant_id = \(tenantID) AND batch_id = \(id) AND status = 'created'
            RETURNING 1
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [SEPABatchRecord] {
        var result: [SEPABatchRecord] = []
        for try await r in rows.decode(
            (String, String, String, String, LocalDate, Int32, Int64, String, Bool, Date, Date?).self)
        {
            result.append(
                SEPABatchRecord(
                    id: r.0, messageID: r.1, format: r.2, status: try .stored(r.3),
                    madeOn: r.4, debitCount: Int(r.5), controlSum: r.6, sha256: r.7, livemode: r.8, createdAt: r.9,
                    submittedAt: r.10))
        }
        return result
    }
}
