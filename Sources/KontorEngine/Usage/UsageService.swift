import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Usage as the client reports it.
public struct UsageInput: Sendable {
    public var id: String?
    public var subscription: String?
    public var metric: String?
    public var quantity: Int64?
    public var timestamp: Date?

    public init() {}
}

/// Records metered usage. Events are deduplicated by the client's `id`; an event for a period
/// that is already invoiced (closed) is refused, never silently dropped or double billed.
///
/// Invariant: an event is accepted only while its subscription is locked against the billing
/// run (which locks it for update when it closes a period), so an accepted event is always in
/// the period that will bill it.
public struct UsageService: Sendable {
    let operations: OperationRunner
    let usage: UsageRepository
    let subscriptions: SubscriptionRepository
    let plans: PlanRepository

    /// The most events one `POST /v1/usage/batch` takes.
    public static let maximumBatch = 1000

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.usage = UsageRepository(logger: database.logger)
        self.subscriptions = SubscriptionRepository(logger: database.logger)
        self.plans = PlanRepository(logger: database.logger)
    }

    /// Returns the stored event and whether it is new (a known `id` returns the first one).
    public func record(_ input: UsageInput, tenant: Tenant) async throws -> (UsageEvent, created: Bool) {
        try await operations.run(tenant) { op in
            let recorded = try await record([input], prefix: { _ in "" }, conflictsAsErrors: false, op)
            return recorded[0]
        }
    }

    /// Records up to `maximumBatch` events all or nothing: every problem of every event is
    /// named (`events[3].metric`) and nothing is written; otherwise each event is returned with
    /// whether it is new. An id already stored, or repeated in the batch, is not new and
    /// returns the event stored first.
    public func recordBatch(_ inputs: [UsageInput], tenant: Tenant) async throws -> [(UsageEvent, created: Bool)] {
        guard (1...Self.maximumBatch).contains(inputs.count) else {
            throw ValidationError(field: "events", message: "must hold 1 to \(Self.maximumBatch) events")
        }
        return try await operations.run(tenant) { op in
            try await record(inputs, prefix: { "events[\($0)]." }, conflictsAsErrors: true, op)
        }
    }

    /// The one path of both endpoints: fields, then the stored ids, the subscriptions (locked
    /// for share, in id order) and their plans read once for the whole batch, then one insert.
    func record(
        _ inputs: [UsageInput], prefix: (Int) -> String, conflictsAsErrors: Bool, _ op: OperationContext
    ) async throws -> [(UsageEvent, created: Bool)] {
        let (conn, now, tenant) = (op.connection, op.now, op.tenant)
        var errors: [FieldError] = []
        var events: [UsageEvent?] = []
        for (i, input) in inputs.enumerated() {
            let (event, problems) = Self.event(input, now: now, prefix: prefix(i))
            errors += problems
            events.append(event)
        }
        // Events with bad fields are named now; the rest are still checked against their
        // subscriptions below, so one answer names every problem of the batch.
        let all = events.compactMap { $0 }
        let index = events.indices.filter { events[$0] != nil }
        let stored = Dictionary(
            try await usage.find(ids: Array(Set(all.map(\.id))), tenantID: tenant.id, on: conn).map { ($0.id, $0) },
            uniquingKeysWith: { a, _ in a })
        let fresh = all.filter { stored[$0.id] == nil }
        let subscriptionIDs = Set(fresh.map(\.subscriptionID)).filter { Identifier.looksValid($0, prefix: "sub") }
        let subs = Dictionary(
            try await subscriptions.find(ids: subscriptionIDs.sorted(), tenantID: tenant.id, forShare: true, on: conn)
                .map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var planVersions: [String: PlanVersion] = [:]
        for s in subs.values where planVersions["\(s.planCode)@\(s.planVersion)"] == nil {
            guard let plan = try await plans.find(s.planCode, version: s.planVersion, tenantID: tenant.id, on: conn)
            else { throw StoreError.notFound }
            planVersions["\(s.planCode)@\(s.planVersion)"] = plan
        }
        let zone = try await op.profile().zone
        var firstOfID: [String: Int] = [:]
        for (n, event) in all.enumerated() where stored[event.id] == nil && firstOfID[event.id] == nil {
            firstOfID[event.id] = n
            let i = index[n]
            let s = subs[event.subscriptionID]
            let problem = Self.problem(
                event, subscription: s, plan: s.flatMap { planVersions["\($0.planCode)@\($0.planVersion)"] },
                zone: zone)
            switch problem {
            case .none: break
            case .field(let field, let message): errors.append(FieldError(field: prefix(i) + field, message: message))
            case .canceled(let message):
                if !conflictsAsErrors { throw EngineError.conflict(message) }
                errors.append(FieldError(field: prefix(i) + "subscription", message: message))
            }
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        let toInsert = firstOfID.values.sorted().map { all[$0] }
        let inserted = try await usage.record(toInsert, tenantID: tenant.id, on: conn)
        // An id another request stored meanwhile (the insert skipped it) returns that event.
        let raced = toInsert.filter { !inserted.contains($0.id) }.map(\.id)
        var known = stored
        for e in try await usage.find(ids: raced, tenantID: tenant.id, on: conn) { known[e.id] = e }
        for e in toInsert where inserted.contains(e.id) { known[e.id] = e }
        var reported: Set<String> = []
        return all.map { event in
            if inserted.contains(event.id), reported.insert(event.id).inserted { return (event, true) }
            return (known[event.id] ?? event, false)
        }
    }

    /// An event from its fields, or the problems with them (names after `prefix`).
    static func event(_ input: UsageInput, now: Date, prefix: String) -> (UsageEvent?, [FieldError]) {
        var errors: [FieldError] = []
        func problem(_ field: String, _ message: String) {
            errors.append(FieldError(field: prefix + field, message: message))
        }
        if (input.id ?? "").isEmpty || (input.id ?? "").count > 255 {
            problem("id", "is required: your unique id of this event (1 to 255 characters)")
        }
        if input.subscription == nil { problem("subscription", "is required") }
        if input.metric == nil { problem("metric", "is required") }
        if let q = input.quantity, q < 0 { problem("quantity", "must not be negative") }
        if input.quantity == nil { problem("quantity", "is required") }
        let timestamp = input.timestamp ?? now
        if timestamp > now.addingTimeInterval(300) { problem("timestamp", "is in the future") }
        guard errors.isEmpty, let id = input.id, let subID = input.subscription, let metric = input.metric,
            let quantity = input.quantity
        else { return (nil, errors) }
        return (
            UsageEvent(
                id: id, subscriptionID: subID, metric: metric, quantity: quantity, occurredAt: timestamp,
                recordedAt: now), []
        )
    }

    enum Problem: Equatable {
        case field(String, String)
        /// The subscription takes no more usage (a conflict for the single event).
        case canceled(String)
    }

    /// What the subscription and its plan say against a new event; nil when it is accepted.
    static func problem(_ e: UsageEvent, subscription s: Subscription?, plan: PlanVersion?, zone: TimeZone)
        -> Problem?
    {
        guard let s, let plan else { return .field("subscription", "is not a subscription of this account") }
        guard plan.plan.hasMeteredCharges else {
            return .field("subscription", "is on plan \(s.planCode), which has no metered charges")
        }
        guard plan.plan.meteredCharge(for: e.metric) != nil else {
            let metrics = plan.plan.charges.compactMap(\.metric).joined(separator: ", ")
            return .field("metric", "must be a metric of plan \(s.planCode): \(metrics)")
        }
        let openFrom = (s.currentPeriodStart ?? s.startDate).startInstant(in: zone)
        if e.occurredAt < openFrom {
            return .field(
                "timestamp",
                "falls in a period that is already invoiced; usage is open from \(RFC3339.string(openFrom))")
        }
        if s.status == .canceled { return .canceled("subscription \(s.id) is canceled; it takes no more usage") }
        return nil
    }
}
