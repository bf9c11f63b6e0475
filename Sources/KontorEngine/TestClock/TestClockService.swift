import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// A test-mode tenant's clock. Advancing it runs all work that falls due on the way (billing,
/// card-expiry notices), each at the
/// instant it falls due (so an invoice issued on the way carries the date of its boundary,
/// not the date the clock was moved to), before it answers.
public struct TestClockService: Sendable {
    let database: Database
    let clock: any BillingClock
    let tenants: TenantRepository
    let workers: FollowUpRunner
    let notices: CardExpiryRepository
    let subscriptions: SubscriptionRepository
    let dunningDue: DunningRepository
    let overdueDue: OverdueRepository
    let reversalDue: ReversalRepository

    /// Furthest a single advance may move the clock: enough for years of monthly billing,
    /// not so much that a typo keeps a server busy for hours.
    public static let maxAdvance: TimeInterval = 5 * 366 * 86_400

    init(database: Database, clock: any BillingClock, workers: FollowUpRunner) {
        self.database = database
        self.clock = clock
        self.tenants = TenantRepository(database: database)
        self.workers = workers
        self.notices = CardExpiryRepository(logger: database.logger)
        self.subscriptions = SubscriptionRepository(logger: database.logger)
        self.dunningDue = DunningRepository(logger: database.logger)
        self.overdueDue = OverdueRepository(logger: database.logger)
        self.reversalDue = ReversalRepository(logger: database.logger)
    }

    public struct State: Codable, Sendable, Equatable {
        public var object = "test_clock"
        public var frozenTime: Date
        public var timeZone: String
        public var frozen: Bool
        public var invoicesIssued: Int?
    }

    public func get(tenant: Tenant) async throws -> State {
        try requireTestMode(tenant)
        return State(
            frozenTime: try await clock.now(for: tenant), timeZone: tenant.timeZone, frozen: tenant.testClockAt != nil
        )
    }

    /// Sets the clock to any instant, past or future — only while the tenant has no
    /// subscriptions or invoices yet (like Stripe, a scenario starts at a frozen time of its
    /// choosing; after that, time only moves forward).
    public func freeze(at instant: Date, tenant: Tenant) async throws -> State {
        try requireTestMode(tenant)
        if try await database.withConnection({ try await tenants.hasBillingHistory(tenant.id, on: $0) }) {
            throw EngineError.conflict(
                "The test clock can be set only before the first subscription or invoice; advance it instead."
            )
        }
        try await setClock(tenant.id, to: instant)
        return State(frozenTime: instant, timeZone: tenant.timeZone, frozen: true)
    }

    /// Advances of one tenant run one after the other (on any node): two at once would each
    /// run the same due work at instants out of order and move the clock back and forth.
    public func advance(to target: Date, tenant: Tenant) async throws -> State {
        try requireTestMode(tenant)
        return try await database.serialized(key: "test_clock:" + tenant.id) {
            try await advanceHoldingLock(to: target, tenant: tenant)
        }
    }

    func advanceHoldingLock(to target: Date, tenant: Tenant) async throws -> State {
        // The clock as the advance before this one left it, not as the request found it.
        let tenant = try await tenants.find(tenant.id) ?? tenant
        let now = try await clock.now(for: tenant)
        guard target > now else {
            throw ValidationError(field: "to", message: "must be later than the clock's current time")
        }
        guard target.timeIntervalSince(now) <= Self.maxAdvance else {
            throw ValidationError(field: "to", message: "may be at most 5 years after the clock's current time")
        }
        var issued = 0
        // Step from boundary to boundary: the clock shows each due instant while its work runs.
        var current = now
        while let next = try await nextDue(tenantID: tenant.id, after: current, before: target) {
            let at = max(next, current)
            current = at
            try await setClock(tenant.id, to: at)
            issued += try await workers.runDueWork(at: at, tenantID: tenant.id)
        }
        try await setClock(tenant.id, to: target)
        issued += try await workers.runDueWork(at: target, tenantID: tenant.id)
        return State(frozenTime: target, timeZone: tenant.timeZone, frozen: true, invoicesIssued: issued)
    }

    func nextDue(tenantID: String, after current: Date, before target: Date) async throws -> Date? {
        let due = try await database.withConnection { conn in
            [
                try await subscriptions.nextBillingAt(tenantID: tenantID, before: target, on: conn),
                try await notices.nextDue(tenantID: tenantID, before: target, on: conn),
                try await overdueDue.nextDue(tenantID: tenantID, before: target, on: conn),
                try await reversalDue.nextDue(tenantID: tenantID, before: target, on: conn),
                try await dunningDue.nextDue(tenantID: tenantID, after: current, before: target, on: conn),
            ]
        }
        return due.compactMap { $0 }.min()
    }

    func setClock(_ tenantID: String, to instant: Date) async throws {
        try await database.transaction { conn in try await tenants.setTestClock(tenantID, to: instant, on: conn) }
    }

    func requireTestMode(_ tenant: Tenant) throws {
        guard !tenant.livemode else {
            throw EngineError.forbidden("The test clock is only available with test-mode keys.")
        }
    }
}
