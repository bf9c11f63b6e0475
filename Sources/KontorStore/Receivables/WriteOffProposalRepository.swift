import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Write-off proposals: inserted once, decided by stamping, never deleted.
public struct WriteOffProposalRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    static let columns = """
        proposal_id, invoice_id, customer_id, amount, currency, reason, status, proposed_by, proposed_at,
        decided_by, decided_at
        """

    /// Inserts a proposal; false when the item already has a pending one.
    public func insert(_ p: WriteOffProposal, tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            INSERT INTO write_off_proposals (tenant_id, proposal_id, invoice_id, customer_id, amount, currency, reason,
                status, proposed_by, proposed_at, decided_by, decided_at)
            VALUES (\(tenantID), \(p.id), \(p.invoiceID), \(p.customerID), \(p.amount), \(p.currency), \(p.reason),
                \(p.status.rawValue), \(p.proposedBy), \(p.proposedAt), \(p.decidedBy), \(p.decidedAt))
            ON CONFLICT (tenant_id, invoice_id) WHERE status = 'pending' DO NOTHING
            RETURNING proposal_id
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }

    /// A pending proposal, locked for its decision.
    public func pending(_ id: String, tenantID: String, on conn: PostgresConnection) async throws -> WriteOffProposal? {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM write_off_proposals
            WHERE tenant_id = \(tenantID) AND proposal_id = \(id) AND status = 'pending'
            FOR UPDATE
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows).first
    }

    public func decide(
        _ id: String, _ status: WriteOffProposal.Status, by: String, at now: Date, tenantID: String,
        on conn: PostgresConnection
    ) async throws {
        _ = try await conn.query(
            """
            UPDATE write_off_proposals SET status = \(status.rawValue), decided_by = \(by), decided_at = \(now)
            WHERE tenant_id = \(tenantID) AND proposal_id = \(id) AND status = 'pending'
            """,
            logger: logger.forQuery
        )
    }

    /// Newest first; of one status when given.
    public func list(status: WriteOffProposal.Status?, limit: Int, tenantID: String, on conn: PostgresConnection)
        async throws -> [WriteOffProposal]
    {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM write_off_proposals
            WHERE tenant_id = \(tenantID) AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
            ORDER BY proposed_at DESC, proposal_id DESC
            LIMIT \(limit)
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [WriteOffProposal] {
        var result: [WriteOffProposal] = []
        for try await r in rows.decode(
            (String, String, String, Int64, String, String, String, String, Date, String?, Date?).self)
        {
            result.append(
                WriteOffProposal(
                    id: r.0, invoiceID: r.1, customerID: r.2, amount: r.3, currency: r.4, reason: r.5,
                    status: WriteOffProposal.Status(rawValue: r.6) ?? .pending, proposedBy: r.7, proposedAt: r.8,
                    decidedBy: r.9, decidedAt: r.10))
        }
        return result
    }
}
