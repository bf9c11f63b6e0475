import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Plan versions of a tenant's catalog. Rows are only ever inserted.
public struct PlanRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The canonical stored form: keys sorted, so equal plans store equal JSON.
    public static func encode(_ plan: Plan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(plan), as: UTF8.self)
    }

    static func decodePlan(_ json: String) throws -> Plan {
        try JSONDecoder().decode(Plan.self, from: Data(json.utf8))
    }

    /// The current (highest) version of `code`, or `nil`.
    public func current(_ code: String, tenantID: String, on conn: PostgresConnection) async throws -> PlanVersion? {
        try await decode(
            conn.query(
                """
                SELECT definition::text, version, source, created_at FROM plans
                WHERE tenant_id = \(tenantID) AND plan_code = \(code) ORDER BY version DESC LIMIT 1
                """,
                logger: logger.forQuery
            )
        ).first
    }

    public func find(_ code: String, version: Int, tenantID: String, on conn: PostgresConnection) async throws
        -> PlanVersion?
    {
        try await decode(
            conn.query(
                """
                SELECT definition::text, version, source, created_at FROM plans
                WHERE tenant_id = \(tenantID) AND plan_code = \(code) AND version = \(version)
                """,
                logger: logger.forQuery
            )
        ).first
    }

    /// The current version of every plan, by code.
    public func listCurrent(tenantID: String, on conn: PostgresConnection) async throws -> [PlanVersion] {
        try await decode(
            conn.query(
                """
                SELECT DISTINCT ON (plan_code) definition::text, version, source, created_at FROM plans
                WHERE tenant_id = \(tenantID) ORDER BY plan_code, version DESC
                """,
                logger: logger.forQuery
            )
        )
    }

    /// Stores `plan` as a new version unless the current version is the same. Serialised per
    /// tenant and code by an advisory lock so two syncs cannot both add version 2.
    /// Returns the version the plan now has and whether it was added.
    @discardableResult
    public func store(_ plan: Plan, source: String, tenantID: String, now: Date, on conn: PostgresConnection)
        async throws -> (version: Int, added: Bool)
    {
        _ = try await conn.query(
            "SELECT pg_advisory_xact_lock(hashtextextended(\(tenantID + "/plan/" + plan.code), 0))",
            logger: logger.forQuery
        )
        let current = try await self.current(plan.code, tenantID: tenantID, on: conn)
        if let current, current.plan == plan { return (current.version, false) }
        let version = (current?.version ?? 0) + 1
        _ = try await conn.query(
            """
            INSERT INTO plans (tenant_id, plan_code, version, definition, source, created_at)
            VALUES (\(tenantID), \(plan.code), \(version), \(try Self.encode(plan))::jsonb, \(source), \(now))
            """,
            logger: logger.forQuery
        )
        return (version, true)
    }

    /// Several versions at once, keyed `code#version` (the billing run loads a batch's plans so).
    public func load(
        _ keys: [(tenantID: String, code: String, version: Int)], on conn: PostgresConnection
    ) async throws -> [String: Plan] {
        guard !keys.isEmpty else { return [:] }
        let rows = try await conn.query(
            """
            SELECT p.tenant_id, p.plan_code, p.version, p.definition::text
            FROM plans p JOIN unnest(\(keys.map(\.tenantID)), \(keys.map(\.code)), \(keys.map { Int32($0.version) }))
                AS k(tenant_id, plan_code, version)
              ON p.tenant_id = k.tenant_id AND p.plan_code = k.plan_code AND p.version = k.version
            """,
            logger: logger.forQuery
        )
        var plans: [String: Plan] = [:]
        for try await (tenant, code, version, json) in rows.decode((String, String, Int32, String).self) {
            plans[Self.key(tenant, code, Int(version))] = try Self.decodePlan(json)
        }
        return plans
    }

    public static func key(_ tenantID: String, _ code: String, _ version: Int) -> String {
        "\(tenantID)/\(code)#\(version)"
    }

    func decode(_ rows: PostgresRowSequence) async throws -> [PlanVersion] {
        var result: [PlanVersion] = []
        for try await (json, version, source, created) in rows.decode((String, Int32, String, Date).self) {
            result.append(
                PlanVersion(plan: try Self.decodePlan(json), version: Int(version), source: source, createdAt: created)
            )
        }
        return result
    }
}
