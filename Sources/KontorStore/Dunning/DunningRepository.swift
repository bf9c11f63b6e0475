import Foundation
import KontorCore
import Logging
import PostgresNIO

/// A customer's dunning case, claimed for evaluation, with what the rules need about them.
public struct ClaimedCase: Sendable {
    public let customerID: String
    public let caseNo: Int
    public let state: DunningCase
    public let consumer: Bool
    public let name: String?
    public let policyCode: String?
    public let currency: String?
}

/// One notice to store.
public struct NoticeDraft: Sendable, Equatable {
    public let id: String
    public let customerID: String
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
    public let feeInvoiceID: String?
    public let actions: [String]
    public let body: String

    public init(
        id: String, customerID: String, caseNo: Int, level: Int, levelName: String, policyCode: String,
        currency: String, itemsJSON: String, itemsTotal: Int64, fee: Int64, interest: Int64, flatFee: Int64,
        feeInvoiceID: String?, actions: [String], body: String
    ) {
        self.id = id
        self.customerID = customerID
        self.caseNo = caseNo
        self.level = level
        self.levelName = levelName
        self.policyCode = policyCode
        self.currency = currency
        self.itemsJSON = itemsJSON
        self.itemsTotal = itemsTotal
        self.fee = fee
        self.interest = interest
        self.flatFee = flatFee
        self.feeInvoiceID = feeInvoiceID
        self.actions = actions
        self.body = body
    }
}

/// A stored notice: what was drafted, and when it was sent and stored.
@dynamicMemberLookup
public struct DunningNotice: Sendable, Equatable {
    public let draft: NoticeDraft
    public let noticeDate: LocalDate
    public let createdAt: Date

    public init(draft: NoticeDraft, noticeDate: LocalDate, createdAt: Date) {
        self.draft = draft
        self.noticeDate = noticeDate
        self.createdAt = createdAt
    }

    public subscript<T>(dynamicMember field: KeyPath<NoticeDraft, T>) -> T { draft[keyPath: field] }
}

/// Dunning cases and notices. Cases are claimed with `FOR UPDATE SKIP LOCKED`, so several
/// nodes share a tenant's run, and a notice's unique key (customer, case, level) makes each
/// level happen once per case whatever runs.
public struct DunningRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Opens a case row for every customer (of `customerIDs`, when given) with something overdue
    /// that has none.
    public func seed(tenantID: String, today: LocalDate, customerIDs: [String]? = nil, on conn: PostgresConnection)
        async throws
    {
        let rows = try await conn.query(
            """
            WITH opened AS (
                INSERT INTO dunning_cases (tenant_id, customer_id)
                SELECT DISTINCT \(tenantID), customer_id FROM invoices
                WHERE tenant_id = \(tenantID) AND status = \(state: InvoiceStatus.open) AND due_date < \(today)
                  AND total - amount_paid - amount_credited - amount_written_off > 0
                  AND (\(customerIDs)::text[] IS NULL OR customer_id = ANY(\(customerIDs)))
                ON CONFLICT DO NOTHING
                RETURNING 1
            )
            SELECT count(*)::int FROM opened
            """,
            logger: logger.forQuery
        )
        var opened = 0
        for try await n in rows.decode(Int.self) { opened = n }
        // Thousands of new cases at once (the first run after an import): the batches that follow
        // must not be planned on statistics that have never seen them. Autovacuum would catch up
        // within minutes (migration 0014); this run cannot wait for it.
        if opened >= Self.analyzeAfter {
            _ = try await conn.query("ANALYZE dunning_cases", logger: logger.forQuery)
        }
    }

    /// New cases in one seed from which the seed refreshes the table's statistics.
    static let analyzeAfter = 1000

    /// Claims up to `limit` cases not yet checked today (or exactly `customerIDs`, checked or
    /// not: after a payment or return) and marks them checked. Returns how many it claimed and
    /// those with something to do (a level reached, or something overdue): a case with nothing
    /// to do is still marked, so no later batch of the day walks over it again.
    public func claim(
        tenantID: String, today: LocalDate, customerIDs: [String]?, limit: Int, on conn: PostgresConnection
    ) async throws -> (claimed: Int, cases: [ClaimedCase]) {
        let rows = try await conn.query(
            """
            WITH due AS (
                SELECT d.customer_id, d.level > 0 OR EXISTS (
                        SELECT 1 FROM invoices i WHERE i.tenant_id = d.tenant_id AND i.customer_id = d.customer_id
                          AND i.status = \(state: InvoiceStatus.open) AND i.due_date < \(today)) AS work
                FROM dunning_cases d
                WHERE d.tenant_id = \(tenantID)
                  AND (CASE WHEN \(customerIDs)::text[] IS NULL THEN d.checked_on < \(today)
                            ELSE d.customer_id = ANY(\(customerIDs)) END)
                ORDER BY d.checked_on, d.customer_id LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ), checked AS (
                UPDATE dunning_cases d SET checked_on = \(today) FROM due
                WHERE d.tenant_id = \(tenantID) AND d.customer_id = due.customer_id
                RETURNING d.*, due.work
            )
            SELECT c.customer_id, c.case_no, c.level, c.level_reached_on, c.default_since, c.interest_charged,
                   c.flat_fee_charged, cu.kind = 'consumer', cu.name, cu.dunning_policy, cu.currency, c.work
            FROM checked c JOIN customers cu ON cu.tenant_id = \(tenantID) AND cu.customer_id = c.customer_id
            """,
            logger: logger.forQuery
        )
        var result: [ClaimedCase] = []
        var claimed = 0
        for try await r in rows.decode(
            (String, Int32, Int32, LocalDate?, LocalDate?, Int64, Bool, Bool, String?, String?, String?, Bool).self
        ) {
            claimed += 1
            guard r.11 else { continue }
            result.append(
                ClaimedCase(
                    customerID: r.0, caseNo: Int(r.1),
                    state: DunningCase(
                        level: Int(r.2), levelReachedOn: r.3, defaultSince: r.4, interestCharged: r.5,
                        flatFeeCharged: r.6),
                    consumer: r.7, name: r.8, policyCode: r.9, currency: r.10))
        }
        return (claimed, result)
    }

    /// Items that dunning must leave alone: `paused` by open disputes, by dunning blocks holding
    /// `today` (an item's own, or its customer's: every open item) and by a direct debit on its
    /// way to the bank (the debtor was told the date; it is not late before), and those `withAgency`
    /// (handed over to the collection agency, still open). Kept payment plans pause their items
    /// too; `PaymentPlan.status` decides which plans are kept.
    public func pausedItems(customerIDs: [String], today: LocalDate, tenantID: String, on conn: PostgresConnection)
        async throws -> (paused: Set<String>, withAgency: Set<String>)
    {
        let rows = try await conn.query(
            """
            SELECT invoice_id, false FROM disputes
            WHERE tenant_id = \(tenantID) AND customer_id = ANY(\(customerIDs)) AND status = \(state: Dispute.Status.open)
            UNION
            SELECT coalesce(b.invoice_id, i.invoice_id), false FROM dunning_blocks b
            LEFT JOIN invoices i ON b.invoice_id IS NULL AND i.tenant_id = b.tenant_id AND i.customer_id = b.customer_id
                 AND i.status = \(state: InvoiceStatus.open)
            WHERE b.tenant_id = \(tenantID) AND b.customer_id = ANY(\(customerIDs)) AND b.lifted_at IS NULL
              AND b.until >= \(today) AND coalesce(b.invoice_id, i.invoice_id) IS NOT NULL
            UNION
            SELECT invoice_id, false FROM sepa_debits
            WHERE tenant_id = \(tenantID) AND customer_id = ANY(\(customerIDs)) AND status IN ('scheduled', 'batched')
            UNION
            SELECT invoice_id, true FROM invoices
            WHERE tenant_id = \(tenantID) AND customer_id = ANY(\(customerIDs)) AND status = \(state: InvoiceStatus.open)
              AND handed_over_at IS NOT NULL
            """,
            logger: logger.forQuery
        )
        var result: (paused: Set<String>, withAgency: Set<String>) = ([], [])
        for try await (id, agency) in rows.decode((String, Bool).self) {
            if agency { result.withAgency.insert(id) } else { result.paused.insert(id) }
        }
        return result
    }

    /// Of these closing cases, the customers with an item written off since the case began
    /// (`since`, a local date in `timeZone`) for more than the policy's small-balance threshold.
    public func wroteOff(
        _ cases: [(customerID: String, since: LocalDate, threshold: Int64)], timeZone: String, tenantID: String,
        on conn: PostgresConnection
    ) async throws -> Set<String> {
        guard !cases.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            SELECT DISTINCT c.id
            FROM unnest(\(cases.map(\.customerID)), \(cases.map(\.since)), \(cases.map(\.threshold)))
                AS c(id, since, threshold)
            JOIN invoices i ON i.tenant_id = \(tenantID) AND i.customer_id = c.id
            WHERE i.amount_written_off > c.threshold AND i.written_off_at IS NOT NULL
              AND (i.written_off_at AT TIME ZONE \(timeZone))::date >= c.since
            """,
            logger: logger.forQuery
        )
        var ids: Set<String> = []
        for try await id in rows.decode(String.self) { ids.insert(id) }
        return ids
    }

    public struct CaseUpdate: Sendable {
        public let customerID: String
        public let caseNo: Int
        public let state: DunningCase

        public init(customerID: String, caseNo: Int, state: DunningCase) {
            self.customerID = customerID
            self.caseNo = caseNo
            self.state = state
        }
    }

    public func save(_ updates: [CaseUpdate], tenantID: String, on conn: PostgresConnection) async throws {
        guard !updates.isEmpty else { return }
        _ = try await conn.query(
            """
            UPDATE dunning_cases d SET case_no = u.n, level = u.l, level_reached_on = NULLIF(u.r, '')::date,
                default_since = NULLIF(u.ds, '')::date, interest_charged = u.ic, flat_fee_charged = u.ff
            FROM unnest(\(updates.map(\.customerID)), \(updates.map { Int32($0.caseNo) }),
                \(updates.map { Int32($0.state.level) }), \(updates.map { $0.state.levelReachedOn?.description ?? "" }),
                \(updates.map { $0.state.defaultSince?.description ?? "" }), \(updates.map(\.state.interestCharged)),
                \(updates.map(\.state.flatFeeCharged))) AS u(c, n, l, r, ds, ic, ff)
            WHERE d.tenant_id = \(tenantID) AND d.customer_id = u.c
            """,
            logger: logger.forQuery
        )
    }

    /// Inserts notices; returns the ids actually inserted (a level already noticed in the case
    /// is skipped by the unique key).
    public func insert(
        _ notices: [NoticeDraft], noticeDate: LocalDate, tenantID: String, livemode: Bool, now: Date,
        on conn: PostgresConnection
    ) async throws -> Set<String> {
        guard !notices.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            INSERT INTO dunning_notices (tenant_id, notice_id, customer_id, case_no, level, level_name, policy_code,
                notice_date, currency, items, items_total, fee, interest, flat_fee, fee_invoice_id, actions, body,
                livemode, created_at)
            SELECT \(tenantID), i, c, n, l, ln, pc, \(noticeDate), cur, it::jsonb, tot, f, intr, ff, NULLIF(fi, ''),
                string_to_array(a, ','), b, \(livemode), \(now)
            FROM unnest(\(notices.map(\.id)), \(notices.map(\.customerID)), \(notices.map { Int32($0.caseNo) }),
                \(notices.map { Int32($0.level) }), \(notices.map(\.levelName)), \(notices.map(\.policyCode)),
                \(notices.map(\.currency)), \(notices.map(\.itemsJSON)), \(notices.map(\.itemsTotal)),
                \(notices.map(\.fee)), \(notices.map(\.interest)), \(notices.map(\.flatFee)),
                \(notices.map { $0.feeInvoiceID ?? "" }), \(notices.map { $0.actions.joined(separator: ",") }),
                \(notices.map(\.body))) AS x(i, c, n, l, ln, pc, cur, it, tot, f, intr, ff, fi, a, b)
            ON CONFLICT DO NOTHING
            RETURNING notice_id
            """,
            logger: logger.forQuery
        )
        var ids: Set<String> = []
        for try await id in rows.decode(String.self) { ids.insert(id) }
        return ids
    }

    static let noticeColumns = """
        notice_id, customer_id, case_no, level, level_name, policy_code, notice_date, currency, items::text,
        items_total, fee, interest, flat_fee, fee_invoice_id, actions, body, created_at
        """

    public func notices(customerID: String?, noticeID: String?, tenantID: String, on conn: PostgresConnection)
        async throws -> [DunningNotice]
    {
        try await notices(customerID: customerID, ids: noticeID.map { [$0] }, tenantID: tenantID, on: conn)
    }

    /// The notices with these ids (all of the customer's, or the tenant's, when nil), in order.
    public func notices(customerID: String? = nil, ids: [String]?, tenantID: String, on conn: PostgresConnection)
        async throws -> [DunningNotice]
    {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.noticeColumns) FROM dunning_notices
            WHERE tenant_id = \(tenantID) AND (\(customerID)::text IS NULL OR customer_id = \(customerID))
              AND (\(ids)::text[] IS NULL OR notice_id = ANY(\(ids)))
            ORDER BY seq
            """,
            logger: logger.forQuery
        )
        var result: [DunningNotice] = []
        for try await r in rows.decode(
            (
                String, String, Int32, Int32, String, String, LocalDate, String, String, Int64, Int64, Int64, Int64,
                String?, [String], String, Date
            ).self
        ) {
            result.append(
                DunningNotice(
                    draft: NoticeDraft(
                        id: r.0, customerID: r.1, caseNo: Int(r.2), level: Int(r.3), levelName: r.4, policyCode: r.5,
                        currency: r.7, itemsJSON: r.8, itemsTotal: r.9, fee: r.10, interest: r.11, flatFee: r.12,
                        feeInvoiceID: r.13, actions: r.14, body: r.15),
                    noticeDate: r.6, createdAt: r.16))
        }
        return result
    }

    /// The case of one customer (nil before any dunning).
    public func state(customerID: String, tenantID: String, on conn: PostgresConnection) async throws -> (
        caseNo: Int, state: DunningCase
    )? {
        let rows = try await conn.query(
            """
            SELECT case_no, level, level_reached_on, default_since, interest_charged, flat_fee_charged
            FROM dunning_cases WHERE tenant_id = \(tenantID) AND customer_id = \(customerID)
            """,
            logger: logger.forQuery
        )
        for try await r in rows.decode((Int32, Int32, LocalDate?, LocalDate?, Int64, Bool).self) {
            return (
                Int(r.0),
                DunningCase(
                    level: Int(r.1), levelReachedOn: r.2, defaultSince: r.3, interestCharged: r.4, flatFeeCharged: r.5)
            )
        }
        return nil
    }

    /// Moves the customers' live subscriptions to `status` (restricted, suspended) or back to
    /// active (`nil`: restore); returns the subscription ids that changed with their customer.
    public func setServiceStatus(
        _ status: SubscriptionStatus?, customerIDs: [String], tenantID: String, now: Date, on conn: PostgresConnection
    ) async throws -> [String] {
        guard !customerIDs.isEmpty else { return [] }
        let target = status ?? .active
        let from = SubscriptionStatus.dunningSources(for: target).map(\.rawValue)
        guard !from.isEmpty else { preconditionFailure("dunning does not move subscriptions to \(target)") }
        let rows = try await conn.query(
            """
            UPDATE subscriptions SET status = \(target.rawValue), updated_at = \(now)
            WHERE tenant_id = \(tenantID) AND customer_id = ANY(\(customerIDs)) AND status = ANY(\(from))
            RETURNING subscription_id
            """,
            logger: logger.forQuery
        )
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }

    /// The next tenant midnight after `after` (and at or before `target`) when dunning has
    /// something to look at: an overdue item not with the agency. For the test clock.
    public func nextDue(tenantID: String, after: Date, before target: Date, on conn: PostgresConnection) async throws
        -> Date?
    {
        let rows = try await conn.query(
            """
            WITH t AS (
                SELECT time_zone,
                       (date_trunc('day', \(after) AT TIME ZONE time_zone) + interval '1 day') AS next_day
                FROM tenants WHERE tenant_id = \(tenantID)
            )
            SELECT t.next_day AT TIME ZONE t.time_zone FROM t
            WHERE (t.next_day AT TIME ZONE t.time_zone) <= \(target)
              AND EXISTS (SELECT 1 FROM invoices i WHERE i.tenant_id = \(tenantID) AND i.status = \(state: InvoiceStatus.open)
                            AND i.due_date < t.next_day::date AND i.handed_over_at IS NULL)
            """,
            logger: logger.forQuery
        )
        for try await at in rows.decode(Date.self) { return at }
        return nil
    }

    /// Records, per claim, the day it fell into default (kept once set: a claim stays in default)
    /// and the last day default interest has been charged for (moved only forward).
    public func markClaims(
        _ claims: [(invoiceID: String, defaultSince: LocalDate, interestThrough: LocalDate?)], tenantID: String,
        on conn: PostgresConnection
    ) async throws {
        guard !claims.isEmpty else { return }
        _ = try await conn.query(
            """
            UPDATE invoices i SET
                default_since = least(coalesce(i.default_since, c.since), c.since),
                interest_through = greatest(i.interest_through, NULLIF(c.through, '')::date)
            FROM unnest(\(claims.map(\.invoiceID)), \(claims.map(\.defaultSince)),
                        \(claims.map { $0.interestThrough?.description ?? "" })) AS c(id, since, through)
            WHERE i.tenant_id = \(tenantID) AND i.invoice_id = c.id
            """,
            logger: logger.forQuery
        )
    }

    /// Marks the items handed over to the collection agency; returns those marked now.
    public func handOver(invoiceIDs: [String], tenantID: String, now: Date, on conn: PostgresConnection) async throws
        -> [String]
    {
        guard !invoiceIDs.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            UPDATE invoices SET handed_over_at = \(now)
            WHERE tenant_id = \(tenantID) AND invoice_id = ANY(\(invoiceIDs)) AND status = \(state: InvoiceStatus.open)
              AND handed_over_at IS NULL
            RETURNING invoice_id
            """,
            logger: logger.forQuery
        )
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }
}
