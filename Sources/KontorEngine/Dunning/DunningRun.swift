import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// The dunning run: every tenant once a day (the worker wakes often; a case is evaluated at
/// most once per tenant day), and for single customers right after a payment or a return.
///
/// Per batch of claimed cases, in one transaction: load the open items (locked) and what
/// pauses them, evaluate each customer in KontorCore, then write set-based — fee items, notices,
/// case states, subscription status, hand-overs — and the events. Several nodes share a run
/// through `FOR UPDATE SKIP LOCKED` on the cases; the notices' unique key (customer, case,
/// level) is the last guard that a level is reached once.
public struct DunningRun: Sendable {
    let database: Database
    let tenants: TenantRepository
    let repository: DunningRepository
    let openItems: OpenItemRepository
    let subscriptions: SubscriptionRepository
    let invoices: InvoiceRepository
    let outbox: EventOutbox
    let booker: ReceivablesBooker
    let plans: PaymentPlanRepository
    let policies: DunningPolicyRepository
    let proposals: DunningProposalRepository
    let batchSize: Int

    public init(database: Database, batchSize: Int = 500) {
        self.database = database
        self.tenants = TenantRepository(database: database)
        self.repository = DunningRepository(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
        self.subscriptions = SubscriptionRepository(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
        self.booker = ReceivablesBooker(logger: database.logger)
        self.plans = PaymentPlanRepository(logger: database.logger)
        self.policies = DunningPolicyRepository(logger: database.logger)
        self.proposals = DunningProposalRepository(logger: database.logger)
        self.batchSize = batchSize
    }

    public struct Summary: Sendable, Equatable {
        /// Cases claimed in the batch, with or without something to do.
        var claimed = 0
        public var evaluated = 0
        public var notices = 0
        public var settled = 0
        /// Proposals made (review mode), and those closed: released by `Release`, or lapsed.
        public var proposed = 0
        var closed: [DunningProposal] = []
    }

    /// Who releases which customers' proposals: their review-mode policy acts this once.
    struct Release {
        let customerIDs: Set<String>
        let by: String
    }

    /// Runs dunning at `now`: for one tenant (its test clock's `now`), or every tenant without a
    /// test clock; for `customerIDs` only when given (checked today or not).
    @discardableResult
    public func run(now: Date, tenantID: String? = nil, customerIDs: [String]? = nil) async throws -> Summary {
        var summary = Summary()
        var ids = [String]()
        if let tenantID { ids = [tenantID] } else { ids = try await tenants.allIDs() }
        for id in ids {
            let profile = try await database.withConnection { try await tenants.profile(id, on: $0) }
            if tenantID == nil, profile.testClockAt != nil { continue }
            let today = LocalDate(instant: now, in: profile.zone)
            try await database.transaction {
                try await repository.seed(tenantID: id, today: today, customerIDs: customerIDs, on: $0)
            }
            // Named customers (after a bank statement: thousands) in batches of `batchSize`;
            // otherwise batches until no case is left unchecked today.
            var chunks = customerIDs.map { ids in
                stride(from: 0, to: ids.count, by: batchSize).map { Array(ids[$0..<min($0 + batchSize, ids.count)]) }
            }
            while true {
                let chunk = chunks?.popLast()
                if chunks != nil, chunk == nil { break }
                let batch = try await database.transaction { conn in
                    try await runBatch(profile: profile, today: today, now: now, customerIDs: chunk, on: conn)
                }
                summary.evaluated += batch.evaluated
                summary.notices += batch.notices
                summary.settled += batch.settled
                if chunks == nil, batch.claimed == 0 { break }
            }
        }
        return summary
    }

    /// One batch of claimed cases, as loaded in its transaction.
    struct Batch {
        let profile: TenantProfile
        let today: LocalDate
        let now: Date
        let conn: PostgresConnection
        let cases: [ClaimedCase]
        var items: [String: [OpenItem]]
        let paused: (paused: Set<String>, withAgency: Set<String>)
        let policies: [String: DunningPolicy]

        var tenantID: String { profile.tenantID }

        func policy(_ c: ClaimedCase) -> DunningPolicy { policies[c.policyCode ?? "default"] ?? policies["default"]! }
    }

    /// What the evaluation of a batch decided.
    struct Decisions {
        var steps: [(ClaimedCase, DunningPolicy, DunningStep, String)] = []
        var updates: [DunningRepository.CaseUpdate] = []
        var settledCustomers: [String] = []
        var closedCases: [(customerID: String, since: LocalDate, threshold: Int64)] = []
        var settled = 0

        func customers(with action: DunningAction) -> [String] {
            steps.filter { $0.2.definition.actions.contains(action) }.map(\.0.customerID)
        }

        /// Takes out the steps of review-mode policies, but for customers being released: they
        /// are proposed instead, and their cases do not move.
        mutating func holdForReview(except released: Set<String>) -> Decisions {
            var held = Decisions()
            held.steps = steps.filter { $0.1.mode == .review && !released.contains($0.0.customerID) }
            let ids = Set(held.steps.map(\.0.customerID))
            steps.removeAll { ids.contains($0.0.customerID) }
            updates.removeAll { ids.contains($0.customerID) }
            return held
        }
    }

    /// Claim, load, write off small balances, evaluate, then write: fee items, notices, case
    /// states, the levels' actions and the events — each set-based for the whole batch.
    func runBatch(
        profile: TenantProfile, today: LocalDate, now: Date, customerIDs: [String]?, release: Release? = nil,
        on conn: PostgresConnection
    ) async throws -> Summary {
        let (claimed, cases) = try await repository.claim(
            tenantID: profile.tenantID, today: today, customerIDs: customerIDs, limit: batchSize, on: conn)
        var summary = Summary(evaluated: cases.count)
        summary.claimed = claimed
        guard !cases.isEmpty else { return summary }
        var batch = try await load(cases, profile: profile, today: today, now: now, on: conn)
        try await writeOffSmallBalances(&batch)
        var decisions = evaluate(batch)
        summary.settled = decisions.settled
        let held = decisions.holdForReview(except: release?.customerIDs ?? [])
        let fees = try await issueFeeItems(decisions, batch)
        let drafts = try notices(decisions, fees: fees, batch)
        let inserted = try await repository.insert(
            drafts, noticeDate: today, tenantID: batch.tenantID, livemode: profile.livemode, now: now, on: conn)
        summary.notices = inserted.count
        (summary.proposed, summary.closed) = try await review(
            held, sent: drafts.filter { inserted.contains($0.id) }, decisions: decisions, release: release, batch)
        try await repository.save(decisions.updates, tenantID: batch.tenantID, on: conn)
        var events = drafts.filter { inserted.contains($0.id) }.map { draft in
            DomainEvent.dunningNotice(
                .dunningLevelReached, DunningNoticeJSON(draft, noticeDate: today, createdAt: now))
        }
        events += try await applyActions(decisions, batch)
        try await outbox.append(events, at: now, tenantID: batch.tenantID, livemode: profile.livemode, on: conn)
        return summary
    }

    /// Mahnvorschlag: what review-mode policies would have done becomes (or refreshes) each
    /// customer's proposal; a released proposal closes with the notice that went out; one with
    /// nothing left to dun (paid, blocked, settled) lapses. Returns how many were proposed and
    /// the closed ones.
    func review(
        _ held: Decisions, sent: [NoticeDraft], decisions: Decisions, release: Release?, _ batch: Batch
    ) async throws -> (Int, [DunningProposal]) {
        let (tenantID, now, conn) = (batch.tenantID, batch.now, batch.conn)
        let proposed = try notices(held, fees: IssuedFees(), batch)
        try await proposals.propose(proposed, on: batch.today, tenantID: tenantID, now: now, on: conn)
        let sentTo = Dictionary(sent.map { ($0.customerID, $0.id) }, uniquingKeysWith: { a, _ in a })
        let releasing = release?.customerIDs ?? []
        let active = Set(held.steps.map(\.0.customerID)).union(decisions.steps.map(\.0.customerID))
        let idle = batch.cases.filter {
            !active.contains($0.customerID) && (releasing.contains($0.customerID) || batch.policy($0).mode == .review)
        }.map(\.customerID)
        let released = try await proposals.close(
            customerIDs: sentTo.keys.filter(releasing.contains), status: .released, noticeIDs: sentTo,
            by: release?.by, at: now, tenantID: tenantID, on: conn)
        let lapsed = try await proposals.close(
            customerIDs: idle, status: .lapsed, by: release?.by, at: now, tenantID: tenantID, on: conn)
        return (proposed.count, released + lapsed)
    }

    /// The cases' open items (locked), what pauses them (disputes, kept payment plans, the
    /// agency) and the tenant's policies.
    func load(
        _ cases: [ClaimedCase], profile: TenantProfile, today: LocalDate, now: Date, on conn: PostgresConnection
    ) async throws -> Batch {
        let tenantID = profile.tenantID
        let customerIDs = cases.map(\.customerID)
        let items = Dictionary(
            grouping: try await openItems.current(customerIDs: customerIDs, tenantID: tenantID, lock: true, on: conn),
            by: \.customerID)
        var paused = try await repository.pausedItems(
            customerIDs: customerIDs, today: today, tenantID: tenantID, on: conn)
        for row in try await plans.list(customerIDs: customerIDs, tenantID: tenantID, on: conn)
        where row.plan.status(paid: row.paid, itemsOpen: row.itemsOpen, on: today) == .active {
            paused.paused.formUnion(row.plan.invoiceIDs)
        }
        let policies = try await policies.resolved(tenantID: tenantID, on: conn)
        return Batch(
            profile: profile, today: today, now: now, conn: conn, cases: cases, items: items,
            paused: (paused.paused, paused.withAgency), policies: policies)
    }

    /// Small balances are written off before anyone is dunned for them.
    func writeOffSmallBalances(_ batch: inout Batch) async throws {
        var small: [OpenItem] = []
        for c in batch.cases {
            let policy = batch.policy(c)
            guard policy.smallBalanceWriteOff > 0 else { continue }
            let own = (batch.items[c.customerID] ?? []).filter {
                $0.open > 0 && $0.open <= policy.smallBalanceWriteOff && $0.dueDate < batch.today
                    && !batch.paused.paused.contains($0.id) && !batch.paused.withAgency.contains($0.id)
            }
            small += own
            batch.items[c.customerID]?.removeAll { own.contains($0) }
        }
        try await writeOff(small, profile: batch.profile, now: batch.now, on: batch.conn)
    }

    /// Each customer evaluated in KontorCore: settled, wait, or the next level.
    func evaluate(_ batch: Batch) -> Decisions {
        var d = Decisions()
        for c in batch.cases {
            let policy = batch.policy(c)
            let own = batch.items[c.customerID] ?? []
            let currency = own.first?.currency ?? c.currency ?? policy.currency
            let decision = DunningEvaluator(policy: policy).evaluate(
                items: own.map {
                    DunnedItem(
                        item: $0, paused: batch.paused.paused.contains($0.id),
                        withAgency: batch.paused.withAgency.contains($0.id))
                }, state: c.state, today: batch.today, consumer: c.consumer, currency: currency)
            switch decision {
            case .settled:
                d.settledCustomers.append(c.customerID)
                if c.state.level > 0 {
                    d.updates.append(.init(customerID: c.customerID, caseNo: c.caseNo + 1, state: .none))
                    d.settled += 1
                    if let since = c.state.defaultSince {
                        d.closedCases.append((c.customerID, since, policy.smallBalanceWriteOff))
                    }
                }
            case .wait:
                break
            case .escalate(let step):
                d.steps.append((c, policy, step, currency))
                d.updates.append(
                    .init(customerID: c.customerID, caseNo: c.caseNo + (step.opensNewCase ? 1 : 0), state: step.next))
            }
        }
        return d
    }

    /// The fee items a batch issued: the costs item per customer, the interest item per claim.
    struct IssuedFees {
        var costsByCustomer: [String: String] = [:]
        var interestByClaim: [String: String] = [:]
    }

    /// Fee items: the costs of this level (fee, flat fee) as one item belonging to the oldest
    /// claim dunned, and the interest of each claim as an item of that claim (§ 367 (1) pays
    /// them in that order; neither is an invoice, neither bears interest, § 289 BGB). Each claim
    /// remembers when it fell into default and through which day interest is charged.
    func issueFeeItems(_ d: Decisions, _ batch: Batch) async throws -> IssuedFees {
        var requests: [FeeItems.Request] = []
        for (c, _, step, currency) in d.steps {
            var costs: [InvoiceLineDraft] = []
            if step.fee > 0 {
                costs.append(
                    InvoiceLineDraft(
                        description: "Mahngebühr \(step.definition.name) / dunning fee", chargeCode: "dunning_fee",
                        unitAmount: step.fee, amount: step.fee))
            }
            if step.flatFee > 0 {
                costs.append(
                    InvoiceLineDraft(
                        description: "Verzugspauschale § 288 Abs. 5 BGB / flat fee", chargeCode: "flat_fee",
                        unitAmount: step.flatFee, amount: step.flatFee))
            }
            requests.append(
                FeeItems.Request(
                    customerID: c.customerID, currency: currency, reason: "dunning_fee", lines: costs,
                    claimInvoiceID: step.overdue.first?.claimID))
            let numbers = Dictionary(step.overdue.map { ($0.id, $0.number) }, uniquingKeysWith: { a, _ in a })
            for charge in step.interestByItem {
                let on = numbers[charge.itemID] ?? charge.itemID
                requests.append(
                    FeeItems.Request(
                        customerID: c.customerID, currency: currency, reason: "interest",
                        lines: [
                            InvoiceLineDraft(
                                description: "Verzugszinsen § 288 BGB auf \(on) / default interest",
                                chargeCode: "interest",
                                period: BillingPeriod(start: charge.from, end: charge.through.adding(days: 1)),
                                amount: charge.amount)
                        ], claimInvoiceID: charge.itemID))
            }
        }
        let fees = try await FeeItems(logger: database.logger).issue(
            requests, profile: batch.profile, now: batch.now, on: batch.conn)
        try await repository.markClaims(
            d.steps.flatMap { _, _, step, _ in
                let through = Dictionary(step.interestByItem.map { ($0.itemID, $0.through) }, uniquingKeysWith: max)
                return step.defaults.map {
                    (invoiceID: $0.key, defaultSince: $0.value, interestThrough: through[$0.key])
                }
            }, tenantID: batch.tenantID, on: batch.conn)
        return IssuedFees(
            costsByCustomer: Dictionary(
                fees.filter { $0.billingReason == "dunning_fee" }.map { ($0.customerID, $0.id) },
                uniquingKeysWith: { a, _ in a }),
            interestByClaim: Dictionary(
                fees.filter { $0.billingReason == "interest" }.compactMap { f in f.claimInvoiceID.map { ($0, f.id) } },
                uniquingKeysWith: { a, _ in a }))
    }

    /// One notice per level reached, with each item's interest and the rendered text.
    func notices(_ d: Decisions, fees: IssuedFees, _ batch: Batch) throws -> [NoticeDraft] {
        var templates = NoticeRenderer.Cache()
        let today = batch.today
        return try d.steps.map { c, policy, step, currency in
            let interest = Dictionary(step.interestByItem.map { ($0.itemID, $0) }, uniquingKeysWith: { a, _ in a })
            let noticeItems =
                step.overdue.map {
                    NoticeItemJSON(
                        invoice: $0.id, number: $0.number, kind: $0.part.rawValue, dueDate: $0.dueDate.description,
                        open: $0.open, daysOverdue: $0.daysPastDue(on: today), overdue: true,
                        defaultSince: step.defaults[$0.id]?.description, interest: interest[$0.id]?.amount ?? 0,
                        interestFrom: interest[$0.id]?.from.description,
                        interestThrough: interest[$0.id]?.through.description,
                        interestItem: fees.interestByClaim[$0.id])
                }
                + step.notYetDue.map {
                    NoticeItemJSON(
                        invoice: $0.id, number: $0.number, kind: $0.part.rawValue, dueDate: $0.dueDate.description,
                        open: $0.open, daysOverdue: 0, overdue: false, defaultSince: nil, interest: 0,
                        interestFrom: nil, interestThrough: nil, interestItem: nil)
                }
            return NoticeDraft(
                id: Identifier.make("dn"), customerID: c.customerID, caseNo: c.caseNo + (step.opensNewCase ? 1 : 0),
                level: step.level, levelName: step.definition.name, policyCode: policy.code, currency: currency,
                itemsJSON: String(decoding: try KontorJSON.encode(noticeItems), as: UTF8.self),
                itemsTotal: step.overdue.reduce(0) { $0 + $1.open }, fee: step.fee, interest: step.interest,
                flatFee: step.flatFee, feeInvoiceID: fees.costsByCustomer[c.customerID],
                actions: step.definition.actions.map(\.rawValue),
                body: NoticeRenderer.render(
                    templates.template(step.definition.template), customerName: c.name, step: step, today: today,
                    currency: currency))
        }
    }

    /// The actions of the levels reached — restrict, suspend, hand over, write off — and service
    /// restored for the settled; returns their events.
    func applyActions(_ d: Decisions, _ batch: Batch) async throws -> [DomainEvent] {
        let (tenantID, now, conn) = (batch.tenantID, batch.now, batch.conn)
        let restricted = try await repository.setServiceStatus(
            .restricted, customerIDs: d.customers(with: .restrict), tenantID: tenantID, now: now, on: conn)
        let suspended = try await repository.setServiceStatus(
            .suspended, customerIDs: d.customers(with: .suspend), tenantID: tenantID, now: now, on: conn)
        // Settled by payment, service comes back; settled by writing the debt off, it does not
        // (a write-off is not a payment: the merchant decides). Small balances written off
        // automatically do not count: that customer did pay.
        let wroteOff = try await repository.wroteOff(
            d.closedCases, timeZone: batch.profile.timeZone, tenantID: tenantID, on: conn)
        let restored = try await repository.setServiceStatus(
            nil, customerIDs: d.settledCustomers.filter { !wroteOff.contains($0) }, tenantID: tenantID, now: now,
            on: conn)
        var events: [DomainEvent] = []
        for (ids, type) in [
            (restricted, EventType.subscriptionRestricted), (suspended, .subscriptionSuspended),
            (restored, .subscriptionReactivated),
        ] where !ids.isEmpty {
            for s in try await subscriptions.find(ids: ids, tenantID: tenantID, on: conn) {
                events.append(.subscription(type, SubscriptionJSON(s)))
            }
        }
        let handOver = d.steps.filter { $0.2.definition.actions.contains(.handOver) }.flatMap { $0.2.overdue.map(\.id) }
        let handedOver = try await repository.handOver(invoiceIDs: handOver, tenantID: tenantID, now: now, on: conn)
        for invoice in try await invoices.find(ids: handedOver, tenantID: tenantID, on: conn) {
            events.append(.invoice(.invoiceHandedOver, InvoiceJSON(invoice)))
        }
        try await writeOff(
            d.steps.filter { $0.2.definition.actions.contains(.writeOff) }.flatMap(\.2.overdue),
            profile: batch.profile, now: now, on: conn)
        return events
    }

    /// Writes off what is open on these items: the invoices read in one query, booked in one go.
    func writeOff(_ items: [OpenItem], profile: TenantProfile, now: Date, on conn: PostgresConnection) async throws {
        guard !items.isEmpty else { return }
        let invoicesByID = Dictionary(
            try await invoices.find(ids: items.map(\.id), tenantID: profile.tenantID, on: conn).map { ($0.id, $0) },
            uniquingKeysWith: { a, _ in a })
        try await booker.writeOff(
            items.compactMap { item in invoicesByID[item.id].map { ($0, item.open) } }, profile: profile, now: now,
            on: conn)
    }
}
