import Foundation
import KontorCore
import Logging
import PostgresNIO

/// A closed month: its DATEV export's fingerprint, who closed it and when.
public struct PeriodCloseRecord: Sendable, Equatable {
    public let period: String
    public let closedThrough: LocalDate
    public let entries: Int
    public let datevSHA256: String
    public let closedBy: String
    public let closedAt: Date

    public init(
        period: String, closedThrough: LocalDate, entries: Int, datevSHA256: String, closedBy: String, closedAt: Date
    ) {
        self.period = period
        self.closedThrough = closedThrough
        self.entries = entries
        self.datevSHA256 = datevSHA256
        self.closedBy = closedBy
        self.closedAt = closedAt
    }
}

/// The books' lock (`tenants.locked_through`) and the record of each close.
public struct PeriodCloseRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The last locked day, read under a row lock so two closes do not race.
    public func lockedThrough(tenantID: String, forUpdate: Bool, on conn: PostgresConnection) async throws -> LocalDate?
    {
        let rows = try await conn.query(
            """
            SELECT locked_through FROM tenants WHERE tenant_id = \(tenantID)
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """,
            logger: logger.forQuery
        )
        for try await d in rows.decode(LocalDate?.self) { return d }
        return nil
    }

    /// Locks the books through `day`; returns this transaction's id, after which every
    /// transaction that could still book into the period has to end before it is exported.
    public func lock(through day: LocalDate, tenantID: String, on conn: PostgresConnection) async throws -> String {
        let rows = try await conn.query(
            """
            UPDATE tenants SET locked_through = \(day) WHERE tenant_id = \(tenantID)
            RETURNING pg_current_xact_id()::text
            """,
            logger: logger.forQuery
        )
        for try await x in rows.decode(String.self) { return x }
        throw StoreError.invalidConfiguration("tenant \(tenantID) is gone")
    }

    /// Whether every transaction that began before `xid` committed has ended (none of them can
    /// book with the old lock any more).
    public func settled(after xid: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            "SELECT pg_snapshot_xmin(pg_current_snapshot()) > \(xid)::xid8", logger: logger.forQuery)
        for try await b in rows.decode(Bool.self) { return b }
        return false
    }

    public func record(_ r: PeriodCloseRecord, tenantID: String, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            INSERT INTO period_closes (tenant_id, period, closed_through, entries, datev_sha256, closed_by, closed_at)
            VALUES (\(tenantID), \(r.period), \(r.closedThrough), \(r.entries), \(r.datevSHA256), \(r.closedBy),
                \(r.closedAt))
            """,
            logger: logger.forQuery
        )
    }

    public func list(tenantID: String, on conn: PostgresConnection) async throws -> [PeriodCloseRecord] {
        let rows = try await conn.query(
            """
            SELECT period, closed_through, entries, datev_sha256, closed_by, closed_at FROM period_closes
            WHERE tenant_id = \(tenantID) ORDER BY period DESC
            """,
            logger: logger.forQuery
        )
        var result: [PeriodCloseRecord] = []
        for try await r in rows.decode((String, LocalDate, Int, String, String, Date).self) {
            result.append(
                PeriodCloseRecord(
                    period: r.0, closedThrough: r.1, entries: r.2, datevSHA256: r.3, closedBy: r.4, closedAt: r.5))
        }
        return result
    }
}
