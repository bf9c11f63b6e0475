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
public struct UsageService: Sendable {
    let operations: OperationRunner
    let usage: UsageRepository
    let subscriptions: SubscriptionRepository
    let plans: PlanRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.usage = UsageRepository(logger: database.logger)
        self.subscriptions = SubscriptionRepository(logger: database.logger)
        self.plans = PlanRepository(logger: database.logger)
    }

    /// Returns the stored event and whether it is new (a known `id` returns the first one).
    public func record(_ input: UsageInput, tenant: Tenant) async throws -> (UsageEvent, created: Bool) {
        try await operations.run(tenant) { op in try await record(input, op) }
    }

    func record(_ input: UsageInput, _ op: OperationContext) async throws -> (UsageEvent, created: Bool) {
        let (conn, now, tenant) = (op.connection, op.now, op.tenant)
        var errors: [FieldError] = []
        if (input.id ?? "").isEmpty || (input.id ?? "").count > 255 {
            errors.append(
                FieldError(field: "id", message: "is required: your unique id of this event (1 to 255 characters)"))
        }
        if input.subscription == nil { errors.append(FieldError(field: "subscription", message: "is required")) }
        if input.metric == nil { errors.append(FieldError(field: "metric", message: "is required")) }
        if let q = input.quantity, q < 0 {
            errors.append(FieldError(field: "quantity", message: "must not be negative"))
        }
        if input.quantity == nil { errors.append(FieldError(field: "quantity", message: "is required")) }
        let timestamp = input.timestamp ?? now
        if timestamp > now.addingTimeInterval(300) {
            errors.append(FieldError(field: "timestamp", message: "is in the future"))
        }
        guard errors.isEmpty, let id = input.id, let subID = input.subscription, let metric = input.metric,
            let quantity = input.quantity
        else { throw ValidationError(errors) }
        do {
            if let existing = try await usage.find(id, tenantID: tenant.id, on: conn) { return (existing, false) }
            guard Identifier.looksValid(subID, prefix: "sub"),
                let s = try await subscriptions.find(subID, tenantID: tenant.id, forUpdate: true, on: conn)
            else { throw ValidationError(field: "subscription", message: "is not a subscription of this account") }
            guard let plan = try await plans.find(s.planCode, version: s.planVersion, tenantID: tenant.id, on: conn)
            else { throw StoreError.notFound }
            guard plan.plan.hasMeteredCharges else {
                throw ValidationError(
                    field: "subscription", message: "is on plan \(s.planCode), which has no metered charges")
            }
            guard plan.plan.meteredCharge(for: metric) != nil else {
                let metrics = plan.plan.charges.compactMap(\.metric).joined(separator: ", ")
                throw ValidationError(field: "metric", message: "must be a metric of plan \(s.planCode): \(metrics)")
            }
            let zone = try await op.profile().zone
            let openFrom = (s.currentPeriodStart ?? s.startDate).startInstant(in: zone)
            if timestamp < openFrom {
                throw ValidationError(
                    field: "timestamp",
                    message:
                        "falls in a period that is already invoiced; usage is open from \(RFC3339.string(openFrom))"
                )
            }
            if s.status == .canceled {
                throw EngineError.conflict("subscription \(subID) is canceled; it takes no more usage")
            }
            let event = UsageEvent(
                id: id, subscriptionID: subID, metric: metric, quantity: quantity, occurredAt: timestamp,
                recordedAt: now
            )
            let (stored, inserted) = try await usage.record(event, tenantID: tenant.id, on: conn)
            return (stored, inserted)
        }
    }
}
