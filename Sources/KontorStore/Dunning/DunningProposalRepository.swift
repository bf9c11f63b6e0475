import Foundation
import KontorCore
import Logging
import PostgresNIO

/// A Mahnvorschlag for one customer: the notice a run in review mode would have sent.
public struct DunningProposal: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable, StoredState {
        case proposed, released, postponed, lapsed
    }

    public let id: String
    public let customerID: String
    public let customerName: String?
    public let caseNo: Int
    public let level: Int
    public let levelName: String
    public let policyCode: String
    public let currency: String
    public let itemsJSON: String
    public let itemsTotal: Int64
    public let fee: Int64
    public let interest: Int64
    public let flatFee: Int64
    public let actions: [String]
    public let status: Status
    public let proposedOn: LocalDate
    public let decidedBy: String?
    public let decidedAt: Date?
    public let noticeID: String?
}

public struct DunningProposalRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Proposes these notices: one open proposal per customer, replaced by the newer figures.
    public func propose(
        _ drafts: [NoticeDraft], on day: LocalDate, tenantID: String, now: Date, on conn: PostgresConnection
    ) async throws {
        guard !drafts.isEmpty else { return }
        _ = try await conn.query(
            """
            INSERT INTO dunning_proposals (tenant_id, proposal_id, customer_id, case_no, level, level_name,
                policy_code, currency, items, items_total, fee, interest, flat_fee, actions, status, proposed_on,
                created_at)
            SELECT \(tenantID), 'dpr_' || substr(i, 4), c, n, l, ln, pc, cur, it::jsonb, tot, f, intr, ff,
                string_to_array(a, ','), 'proposed', \(day), \(now)
            FROM unnest(\(drafts.map(\.id)), \(drafts.map(\.customerID)), \(drafts.map { Int32($0.caseNo) }),
                \(drafts.map { Int32($0.level) }), \(drafts.map(\.levelName)), \(drafts.map(\.policyCode)),
                \(drafts.map(\.currency)), \(drafts.map(\.itemsJSON)), \(drafts.map(\.itemsTotal)),
                \(drafts.map(\.fee)), \(drafts.map(\.interest)), \(drafts.map(\.flatFee)),
                \(drafts.map { $0.actions.joined(separator: ",") })) AS x(i, c, n, l, ln, pc, cur, it, tot, f, intr, ff, a)
            ON CONFLICT (tenant_id, customer_id) WHERE status = 'proposed' DO UPDATE SET
                case_no = excluded.case_no, level = excluded.level, level_name = excluded.level_name,
                policy_code = excluded.policy_code, currency = excluded.currency, items = excluded.items,
                items_total = excluded.items_total, fee = excluded.fee, interest = excluded.interest,
                flat_fee = excluded.flat_fee, actions = excluded.actions, proposed_on = excluded.proposed_on
            """,
            logger: logger.forQuery
        )
    }

    /// Closes the open proposals of these customers as `status` (released with the notice that
    /// went out, postponed, lapsed); returns them as closed.
    @discardableResult
    public func close(
        customerIDs: [String], status: DunningProposal.Status, noticeIDs: [String: String] = [:], by: String?,
        at now: Date, tenantID: String, on conn: PostgresConnection
    ) async throws -> [DunningProposal] {
        guard !customerIDs.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            WITH closed AS (
                UPDATE dunning_proposals p SET status = \(status.rawValue), decided_by = \(by), decided_at = \(now),
                    notice_id = NULLIF(x.notice, '')
                FROM unnest(\(customerIDs), \(customerIDs.map { noticeIDs[$0] ?? "" })) AS x(customer, notice)
                WHERE p.tenant_id = \(tenantID) AND p.customer_id = x.customer AND p.status = 'proposed'
                RETURNING p.*
            )
            SELECT \(unescaped: Self.columns("closed")) FROM closed
            LEFT JOIN customers c ON c.tenant_id = closed.tenant_id AND c.customer_id = closed.customer_id
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    static func columns(_ p: String) -> String {
        """
        \(p).proposal_id, \(p).customer_id, c.name, \(p).case_no, \(p).level, \(p).level_name, \(p).policy_code,
        \(p).currency, \(p).items::text, \(p).items_total, \(p).fee, \(p).interest, \(p).flat_fee, \(p).actions,
        \(p).status, \(p).proposed_on, \(p).decided_by, \(p).decided_at, \(p).notice_id
        """
    }

    /// Proposals with `status` (all when nil), of one customer or all, by id when given;
    /// customers in name order, a page after `afterCustomer`.
    public func list(
        status: DunningProposal.Status?, customerID: String? = nil, ids: [String]? = nil, limit: Int = 200,
        afterCustomer: String? = nil, tenantID: String, on conn: PostgresConnection
    ) async throws -> [DunningProposal] {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns("p")) FROM dunning_proposals p
            LEFT JOIN customers c ON c.tenant_id = p.tenant_id AND c.customer_id = p.customer_id
            WHERE p.tenant_id = \(tenantID) AND (\(status?.rawValue)::text IS NULL OR p.status = \(status?.rawValue))
              AND (\(customerID)::text IS NULL OR p.customer_id = \(customerID))
              AND (\(ids)::text[] IS NULL OR p.proposal_id = ANY(\(ids)))
              AND (\(afterCustomer)::text IS NULL OR p.customer_id > \(afterCustomer))
            ORDER BY p.customer_id, p.created_at DESC
            LIMIT \(limit)
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [DunningProposal] {
        var result: [DunningProposal] = []
        for try await r in rows.decode(
            (
                String, String, String?, Int, Int, String, String, String, String, Int64, Int64, Int64, Int64,
                [String], String, LocalDate, String?, Date?, String?
            ).self)
        {
            result.append(
                DunningProposal(
                    id: r.0, customerID: r.1, customerName: r.2, caseNo: r.3, level: r.4, levelName: r.5,
                    policyCode: r.6, currency: r.7, itemsJSON: r.8, itemsTotal: r.9, fee: r.10, interest: r.11,
                    flatFee: r.12, actions: r.13, status: try .stored(r.14),
                    proposedOn: r.15, decidedBy: r.16, decidedAt: r.17, noticeID: r.18))
        }
        return result
    }
}
