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
            INSERT INTO disputes (tenant_id, dispute_id, invoice_id, customer_id, reason, status, created_at)
            VALUES (\(tenantID), \(d.id), \(d.invoiceID), \(d.customerID), \(d.reason), \(Dispute.Status.open.rawValue),
                    \(d.createdAt))
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
            RETURNING invoice_id, customer_id, reason, created_at
            """, logger: logger.forQuery)
        for try await (invoice, customer, reason, created) in rows.decode((String, String, String, Date).self) {
            return Dispute(
                id: id, invoiceID: invoice, customerID: customer, reason: reason, status: .resolved,
                resolution: resolution, createdAt: created, resolvedAt: now)
        }
        return nil
    }
}
