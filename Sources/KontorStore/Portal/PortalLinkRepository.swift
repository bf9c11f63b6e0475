import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Customers' portal links: at most one active per customer (a partial unique index).
public struct PortalLinkRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// Who a token opens: the tenant and customer of an active link, or nil (unknown, revoked).
    public func resolve(_ token: String, on conn: PostgresConnection) async throws -> (
        tenantID: String, customerID: String
    )? {
        guard PortalToken.looksValid(token) else { return nil }
        let rows = try await conn.query(
            "SELECT tenant_id, customer_id FROM portal_links WHERE token = \(token) AND revoked_at IS NULL",
            logger: logger.forQuery)
        for try await (tenant, customer) in rows.decode((String, String).self) { return (tenant, customer) }
        return nil
    }

    /// The active link of each customer, made now for those without one (one statement each
    /// way, however many customers: a batch of 200 e-mails costs two queries).
    public func ensure(customerIDs: [String], tenantID: String, now: Date, on conn: PostgresConnection) async throws
        -> [String: String]
    {
        let ids = Array(Set(customerIDs))
        guard !ids.isEmpty else { return [:] }
        let tokens = ids.map { _ in PortalToken.make() }
        try await conn.query(
            """
            INSERT INTO portal_links (tenant_id, token, customer_id, created_at)
            SELECT \(tenantID), t, c, \(now) FROM unnest(\(tokens), \(ids)) AS x(t, c)
            ON CONFLICT (tenant_id, customer_id) WHERE revoked_at IS NULL DO NOTHING
            """, logger: logger.forQuery)
        return try await active(customerIDs: ids, tenantID: tenantID, on: conn)
    }

    public func active(customerIDs: [String], tenantID: String, on conn: PostgresConnection) async throws
        -> [String: String]
    {
        let rows = try await conn.query(
            """
            SELECT customer_id, token FROM portal_links
            WHERE tenant_id = \(tenantID) AND customer_id = ANY(\(customerIDs)) AND revoked_at IS NULL
            """, logger: logger.forQuery)
        var result: [String: String] = [:]
        for try await (customer, token) in rows.decode((String, String).self) { result[customer] = token }
        return result
    }

    /// Revokes the customer's active link; returns when it was made, nil when there was none.
    @discardableResult
    public func revoke(customerID: String, tenantID: String, now: Date, on conn: PostgresConnection) async throws
        -> Bool
    {
        let rows = try await conn.query(
            """
            UPDATE portal_links SET revoked_at = \(now)
            WHERE tenant_id = \(tenantID) AND customer_id = \(customerID) AND revoked_at IS NULL RETURNING 1
            """, logger: logger.forQuery)
        for try await _ in rows { return true }
        return false
    }

    /// The customer's active link with when it was made.
    public func current(customerID: String, tenantID: String, on conn: PostgresConnection) async throws
        -> (token: String, createdAt: Date)?
    {
        let rows = try await conn.query(
            """
            SELECT token, created_at FROM portal_links
            WHERE tenant_id = \(tenantID) AND customer_id = \(customerID) AND revoked_at IS NULL
            """, logger: logger.forQuery)
        for try await r in rows.decode((String, Date).self) { return r }
        return nil
    }
}
