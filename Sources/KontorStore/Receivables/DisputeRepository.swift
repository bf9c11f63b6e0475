import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Disputes. At most one open dispute per item (a partial unique index): `open` says whether
/// this one was the first.
public struct DisputeRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Inserts an open dispute; false when the item already has one.
    public func open(_ d: Dispute, tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            INSERT INTO disputes (tenant_id, dispute_id, invoice_id, customer_id, reason, status, created_at, source)
            VALUES (\(tenantID), \(d.id), \(d.invoiceID), \(d.customerID), \(d.reason), \(Dispute.Status.open.rawValue),
                    \(d.createdAt), \(d.source.rawValue))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger.forQuery)
        for try await _ in rows { return true }
        return false
    }

    /// Resolves an open dispute; nil when there is no open dispute with this id.
    public func resolve(_ id: String, resolution: String?, tenantID: String, now: Date, on conn: PostgresConnection)
        async throws -> Dispute?
    {
        let rows = try await conn.query(
            """
            UPDATE disputes SET status = \(Dispute.Status.resolved.rawValue), resolution = \(resolution),
                   resolved_at = \(now)
            WHERE tenant_id = \(tenantID) AND dispute_id = \(id) AND status = \(Dispute.Status.open.rawValue)
            RETURNING invoice_id, customer_id, reason, created_at, source
            """, logger: logger.forQuery)
        for try await (invoice, customer, reason, created, source) in rows.decode(
            (String, String, String, Date, String).self)
        {
            return Dispute(
                id: id, invoiceID: invoice, customerID: customer, reason: reason, status: .resolved,
                resolution: resolution, createdAt: created, resolvedAt: now, source: .init(rawValue: source) ?? .api)
        }
        return nil
    }

    /// Disputes, newest first, of one customer and/or in one status; keyset-paged by id.
    public func list(
        customerID: String?, status: Dispute.Status?, invoiceIDs: [String]? = nil, limit: Int, startingAfter: String?,
        tenantID: String, on conn: PostgresConnection
    ) async throws -> [Dispute] {
        let rows = try await conn.query(
            """
            SELECT dispute_id, invoice_id, customer_id, reason, status, resolution, created_at, resolved_at, source
            FROM disputes
            WHERE tenant_id = \(tenantID) AND (\(customerID)::text IS NULL OR customer_id = \(customerID))
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(invoiceIDs)::text[] IS NULL OR invoice_id = ANY(\(invoiceIDs)::text[]))
              AND (\(startingAfter)::text IS NULL OR (created_at, dispute_id) < (
                  SELECT created_at, dispute_id FROM disputes WHERE tenant_id = \(tenantID) AND dispute_id = \(startingAfter)))
            ORDER BY created_at DESC, dispute_id DESC LIMIT \(limit)
            """, logger: logger.forQuery)
        var result: [Dispute] = []
        for try await r in rows.decode((String, String, String, String, String, String?, Date, Date?, String).self) {
            result.append(
                Dispute(
                    id: r.0, invoiceID: r.1, customerID: r.2, reason: r.3, status: .init(rawValue: r.4) ?? .open,
                    resolution: r.5, createdAt: r.6, resolvedAt: r.7, source: .init(rawValue: r.8) ?? .api))
        }
        return result
    }
}
