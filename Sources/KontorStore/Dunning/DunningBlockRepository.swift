import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Dunning blocks (Mahnsperren): written once, lifted by stamping, never deleted.
public struct DunningBlockRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    static let columns = "block_id, customer_id, invoice_id, reason, until, created_by, created_at, lifted_at"

    public func insert(_ b: DunningBlock, tenantID: String, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            INSERT INTO dunning_blocks (tenant_id, block_id, customer_id, invoice_id, reason, until, created_by,
                created_at)
            VALUES (\(tenantID), \(b.id), \(b.customerID), \(b.invoiceID), \(b.reason), \(b.until), \(b.createdBy),
                \(b.createdAt))
            """,
            logger: logger.forQuery
        )
    }

    /// Lifts a block that still stands; returns it as lifted, or nil when there is none.
    public func lift(_ id: String, by: String, at now: Date, tenantID: String, on conn: PostgresConnection)
        async throws -> DunningBlock?
    {
        let rows = try await conn.query(
            """
            UPDATE dunning_blocks SET lifted_at = \(now), lifted_by = \(by)
            WHERE tenant_id = \(tenantID) AND block_id = \(id) AND lifted_at IS NULL
            RETURNING \(unescaped: Self.columns)
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows).first
    }

    /// The tenant's blocks, newest first: of one customer, or of all; standing only when
    /// `holdingOn` is given.
    public func list(
        customerID: String?, holdingOn day: LocalDate?, id: String? = nil, limit: Int = 1000, tenantID: String,
        on conn: PostgresConnection
    ) async throws -> [DunningBlock] {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM dunning_blocks
            WHERE tenant_id = \(tenantID) AND (\(customerID)::text IS NULL OR customer_id = \(customerID))
              AND (\(id)::text IS NULL OR block_id = \(id))
              AND (\(day)::date IS NULL OR (lifted_at IS NULL AND until >= \(day)))
            ORDER BY created_at DESC, block_id DESC
            LIMIT \(limit)
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [DunningBlock] {
        var result: [DunningBlock] = []
        for try await r in rows.decode((String, String, String?, String, LocalDate, String, Date, Date?).self) {
            result.append(
                DunningBlock(
                    id: r.0, customerID: r.1, invoiceID: r.2, reason: r.3, until: r.4, createdBy: r.5, createdAt: r.6,
                    liftedAt: r.7))
        }
        return result
    }
}
