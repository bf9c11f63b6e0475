import Foundation
import KontorCore
import Logging
import PostgresNIO

extension InstalmentProposal.Status: StoredState {}

/// Debtors' instalment proposals.
public struct InstalmentProposalRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// Stores a pending proposal; false when the customer already has one pending.
    public func insert(_ p: InstalmentProposal, tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            INSERT INTO instalment_proposals (tenant_id, proposal_id, customer_id, invoice_ids, currency, amount,
                instalments, first_due_date, message, status, created_at)
            VALUES (\(tenantID), \(p.id), \(p.customerID), \(p.invoiceIDs), \(p.currency), \(p.amount),
                \(Int32(p.instalments)), \(p.firstDueDate.description)::date, \(p.message), \(state: p.status), \(p.createdAt))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger.forQuery)
        for try await _ in rows { return true }
        return false
    }

    /// Records finance's decision on a pending proposal; false when it is no longer pending.
    public func decide(_ p: InstalmentProposal, tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            UPDATE instalment_proposals SET status = \(state: p.status), payment_plan_id = \(p.paymentPlanID),
                decision_note = \(p.decisionNote), decided_at = \(p.decidedAt)
            WHERE tenant_id = \(tenantID) AND proposal_id = \(p.id) AND status = \(state: InstalmentProposal.Status.pending)
            RETURNING 1
            """, logger: logger.forQuery)
        for try await _ in rows { return true }
        return false
    }

    /// Proposals newest first, by customer and status; `id` finds one (`lock`: FOR UPDATE).
    public func list(
        id: String? = nil, customerID: String?, status: InstalmentProposal.Status?, limit: Int,
        startingAfter: String?, lock: Bool = false, tenantID: String, on conn: PostgresConnection
    ) async throws -> [InstalmentProposal] {
        var query: PostgresQuery = """
            SELECT proposal_id, customer_id, invoice_ids, currency, amount, instalments, first_due_date::text, message,
                   status, payment_plan_id, decision_note, created_at, decided_at
            FROM instalment_proposals
            WHERE tenant_id = \(tenantID) AND (\(id)::text IS NULL OR proposal_id = \(id))
              AND (\(customerID)::text IS NULL OR customer_id = \(customerID))
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(startingAfter)::text IS NULL OR (created_at, proposal_id) < (
                  SELECT created_at, proposal_id FROM instalment_proposals
                  WHERE tenant_id = \(tenantID) AND proposal_id = \(startingAfter)))
            ORDER BY created_at DESC, proposal_id DESC LIMIT \(limit)
            """
        if lock { query.sql += " FOR UPDATE" }
        let rows = try await conn.query(query, logger: logger.forQuery)
        var result: [InstalmentProposal] = []
        for try await r in rows.decode(
            (String, String, [String], String, Int64, Int32, String, String, String, String?, String?, Date, Date?).self
        ) {
            result.append(
                InstalmentProposal(
                    id: r.0, customerID: r.1, invoiceIDs: r.2, currency: r.3, amount: r.4, instalments: Int(r.5),
                    firstDueDate: LocalDate(r.6) ?? LocalDate(dayNumber: 0), message: r.7,
                    status: .init(rawValue: r.8) ?? .pending, paymentPlanID: r.9, decisionNote: r.10, createdAt: r.11,
                    decidedAt: r.12))
        }
        return result
    }
}
