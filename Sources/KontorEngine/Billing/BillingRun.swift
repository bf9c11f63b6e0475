import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// The billing run: finds subscriptions whose next boundary has come and issues what is due at
/// it, in batches of `batchSize`, each batch one transaction.
///
/// Exactly once, by three locks on the same fact:
/// 1. `FOR UPDATE SKIP LOCKED` — two runs never hold the same subscription;
/// 2. the subscription's `next_billing_at` moves past the boundary in the transaction that
///    issues its invoice — a retried run finds nothing due;
/// 3. the unique index on (subscription, billing date, reason) — should 1 and 2 ever be
///    bypassed, the insert conflicts and the batch rolls back.
/// A run killed mid-batch rolls back that batch; the next run does it again, once.
public struct BillingRun: Sendable {
    public let database: Database
    public var batchSize: Int
    let billing: BillingRepository
    let plans: PlanRepository
    let usage: UsageRepository
    let tenants: TenantRepository
    let issuer: InvoiceIssuer
    let outbox: EventOutbox
    /// Called inside each batch transaction after its writes (tests use it to fail there).
    var afterBatchWrites: @Sendable (Int) async throws -> Void = { _ in }

    public init(database: Database, batchSize: Int = 1000) {
        self.database = database
        self.batchSize = batchSize
        self.billing = BillingRepository(logger: database.logger)
        self.plans = PlanRepository(logger: database.logger)
        self.usage = UsageRepository(logger: database.logger)
        self.tenants = TenantRepository(database: database)
        self.issuer = InvoiceIssuer(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
    }

    /// A run that calls `hook` with the batch number inside each batch's transaction, after its
    /// writes and before its commit.
    public func failing(after hook: @escaping @Sendable (Int) async throws -> Void) -> BillingRun {
        var run = self
        run.afterBatchWrites = hook
        return run
    }

    /// Passes over the due subscriptions per run: ten years of monthly periods behind.
    static let maxPasses = 120

    public struct Summary: Sendable, Equatable {
        public var subscriptions = 0
        public var invoices = 0
        public var batches = 0
    }

    /// Bills everything due at or before `now` — for one tenant (test clock) or for every tenant
    /// not on a test clock — until nothing is due. A boundary that makes the next one due too
    /// (a start date in the past, a subscription several periods behind) is handled in a later
    /// batch of the same run: the claim walks in due order behind a cursor, so when a pass ends
    /// after issuing anything, a new pass starts from the beginning — a subscription whose next
    /// boundary now lies behind the cursor catches up in this run, not one period per tick.
    /// Passes are bounded (`maxPasses`), so a row that never moves cannot keep a run alive.
    @discardableResult
    public func run(now: Date, tenantID: String? = nil) async throws -> Summary {
        var summary = Summary()
        var cache = PlanCache()
        var cursor: ClaimCursor?
        var pass = (number: 1, issued: 0)
        while true {
            let batch = summary.batches + 1
            // Idempotent: a batch that committed moved its subscriptions' boundaries on, so a
            // second run after a COMMIT lost in a failover finds them no longer due.
            let (claimed, issued, next) = try await database.transaction(idempotent: true) {
                conn -> (Int, Int, ClaimCursor?) in
                let (due, next) = try await billing.claimDue(
                    now: now, tenantID: tenantID, limit: batchSize, after: cursor, on: conn
                )
                guard !due.isEmpty else { return (0, 0, next) }
                let issued = try await process(due, now: now, cache: &cache, on: conn)
                try await afterBatchWrites(batch)
                return (due.count, issued, next)
            }
            guard claimed > 0 else {
                // Only a pass that issued something can have left a boundary behind the cursor
                // (rows claimed without an invoice — paused, in a trial — are not behind).
                guard pass.issued > 0, pass.number < Self.maxPasses else { break }
                pass = (pass.number + 1, 0)
                cursor = nil
                continue
            }
            pass.issued += issued
            cursor = next
            summary.batches = batch
            summary.subscriptions += claimed
            summary.invoices += issued
        }
        return summary
    }

    /// Processes the boundary of each claimed subscription; returns the number of invoices.
    /// Callers hold the rows locked (claimed, or inserted in this transaction).
    func process(_ due: [DueSubscription], now: Date, cache: inout PlanCache, on conn: PostgresConnection)
        async throws -> Int
    {
        try await cache.load(due, repository: plans, on: conn)
        var issued = 0
        for (tenantID, group) in Dictionary(grouping: due, by: \.tenantID) {
            let profile = try await tenants.profile(tenantID, on: conn)
            let zone = profile.zone
            let windows = group.compactMap { item -> UsageRepository.Window? in
                let s = item.subscription
                guard let start = s.currentPeriodStart, !s.currentPeriodTrial, let boundary = s.nextBillingDate,
                    cache.plan(tenantID, s.planCode, s.planVersion)?.hasMeteredCharges == true
                else { return nil }
                return UsageRepository.Window(
                    tenantID: tenantID, subscriptionID: s.id, from: start.startInstant(in: zone),
                    to: boundary.startInstant(in: zone)
                )
            }
            let totals = try await usage.totals(windows, on: conn)
            var requests: [InvoiceRequest] = []
            var updated: [Subscription] = []
            var events: [DomainEvent] = []
            for item in group {
                let step = try BillingStep.advance(
                    item, usage: totals[item.subscription.id] ?? [:], plans: cache, zone: zone, now: now
                )
                if let request = step.invoice { requests.append(request) }
                updated.append(step.subscription)
                if let type = step.eventType { events.append(.subscription(type, SubscriptionJSON(step.subscription))) }
            }
            // State and subscription events first: the issuer takes the number series lock last.
            try await billing.saveBillingState(updated, tenantID: tenantID, on: conn)
            try await outbox.append(events, at: now, tenantID: tenantID, livemode: profile.livemode, on: conn)
            issued += try await issuer.issue(requests, profile: profile, now: now, on: conn).count
        }
        return issued
    }
}

/// Plan versions a run has loaded, so each is decoded once per run.
struct PlanCache {
    private var plans: [String: Plan] = [:]

    func plan(_ tenantID: String, _ code: String, _ version: Int) -> Plan? {
        plans[PlanRepository.key(tenantID, code, version)]
    }

    mutating func load(_ due: [DueSubscription], repository: PlanRepository, on conn: PostgresConnection)
        async throws
    {
        var missing: [(tenantID: String, code: String, version: Int)] = []
        var seen: Set<String> = []
        for item in due {
            let s = item.subscription
            var keys = [(s.planCode, s.planVersion)]
            if let code = s.pendingPlanCode, let version = s.pendingPlanVersion { keys.append((code, version)) }
            for (code, version) in keys {
                let key = PlanRepository.key(item.tenantID, code, version)
                if plans[key] == nil, seen.insert(key).inserted { missing.append((item.tenantID, code, version)) }
            }
        }
        plans.merge(try await repository.load(missing, on: conn)) { old, _ in old }
    }

    mutating func insert(_ plan: Plan, tenantID: String, version: Int) {
        plans[PlanRepository.key(tenantID, plan.code, version)] = plan
    }
}
