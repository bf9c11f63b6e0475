import Foundation
import KontorCore
import Logging
import PostgresNIO

/// A stored dunning policy; `levelsJSON` is the levels as the API spells them.
public struct DunningPolicyRecord: Sendable, Equatable {
    public let code: String
    public let name: String
    public let currency: String
    public let levelsJSON: String
    public let smallBalanceWriteOff: Int64
    /// auto | review
    public let mode: String
    public let source: String
    public let updatedAt: Date

    public init(
        code: String, name: String, currency: String, levelsJSON: String, smallBalanceWriteOff: Int64,
        mode: String = "auto",
        source: String, updatedAt: Date
    ) {
        self.mode = mode
        self.code = code
        self.name = name
        self.currency = currency
        self.levelsJSON = levelsJSON
        self.smallBalanceWriteOff = smallBalanceWriteOff
        self.source = source
        self.updatedAt = updatedAt
    }
}

public struct DunningPolicyRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    public func all(tenantID: String, on conn: PostgresConnection) async throws -> [DunningPolicyRecord] {
        let rows = try await conn.query(
            """
            SELECT code, name, currency, levels::text, small_balance_write_off, mode, source, updated_at
            FROM dunning_policies WHERE tenant_id = \(tenantID) ORDER BY code
            """,
            logger: logger.forQuery
        )
        var result: [DunningPolicyRecord] = []
        for try await r in rows.decode((String, String, String, String, Int64, String, String, Date).self) {
            result.append(
                DunningPolicyRecord(
                    code: r.0, name: r.1, currency: r.2, levelsJSON: r.3, smallBalanceWriteOff: r.4, mode: r.5,
                    source: r.6, updatedAt: r.7))
        }
        return result
    }

    /// Whether the tenant has a policy `code` (`default` always exists: the built-in one stands in).
    public func exists(_ code: String, tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        if code == "default" { return true }
        let rows = try await conn.query(
            "SELECT 1 FROM dunning_policies WHERE tenant_id = \(tenantID) AND code = \(code)", logger: logger.forQuery)
        for try await _ in rows { return true }
        return false
    }

    /// Stores a policy. A file sync (`source` file) leaves a policy set through the API alone.
    /// Returns false when it did so.
    @discardableResult
    public func put(_ p: DunningPolicyRecord, tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            INSERT INTO dunning_policies (tenant_id, code, name, currency, levels, small_balance_write_off, mode,
                source, updated_at)
            VALUES (\(tenantID), \(p.code), \(p.name), \(p.currency), \(p.levelsJSON)::jsonb, \(p.smallBalanceWriteOff),
                \(p.mode), \(p.source), \(p.updatedAt))
            ON CONFLICT (tenant_id, code) DO UPDATE SET name = excluded.name, currency = excluded.currency,
                levels = excluded.levels, small_balance_write_off = excluded.small_balance_write_off,
                mode = excluded.mode, source = excluded.source, updated_at = excluded.updated_at
            WHERE excluded.source = 'api' OR dunning_policies.source = 'file'
            RETURNING 1
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }
}
