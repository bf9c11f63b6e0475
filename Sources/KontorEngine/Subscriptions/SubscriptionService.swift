import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Creating and changing subscriptions. Every write is one transaction with its events; what
/// becomes due by it (the first invoice, a proration, a credit note) is issued in that same
/// transaction, before the answer.
public struct SubscriptionService: Sendable {
    let database: Database
    let operations: OperationRunner
    let subscriptions: SubscriptionRepository
    let customers: CustomerRepository
    let plans: PlanRepository
    let billing: BillingRun
    let issuer: InvoiceIssuer
    let creditNotes: CreditNoteIssuer
    let invoices: InvoiceRepository
    let usage: UsageRepository

    init(database: Database, operations: OperationRunner, billing: BillingRun) {
        self.database = database
        self.operations = operations
        self.subscriptions = SubscriptionRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
        self.plans = PlanRepository(logger: database.logger)
        self.billing = billing
        self.issuer = InvoiceIssuer(logger: database.logger)
        self.creditNotes = CreditNoteIssuer(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.usage = UsageRepository(logger: database.logger)
    }

    /// What is due at once (the first invoice, or more for a start in the past) is issued in
    /// the same operation and charged after its commit.
    public func create(_ input: SubscriptionInput, tenant: Tenant, idempotency: Idempotency<Subscription>?)
        async throws -> OperationOutcome<Subscription>
    {
        try await operations.run(tenant, idempotency: idempotency) { op in
            let (conn, now) = (op.connection, op.now)
            let profile = try await op.profile()
            var errors: [FieldError] = []
            let customerID = input.customer ?? ""
            if input.customer == nil { errors.append(FieldError(field: "customer", message: "is required")) }
            if input.plan == nil { errors.append(FieldError(field: "plan", message: "is required")) }
            let customer =
                Identifier.looksValid(customerID, prefix: "cus")
                ? try await customers.find(customerID, tenant: tenant, on: conn) : nil
            if input.customer != nil, customer == nil {
                errors.append(FieldError(field: "customer", message: "is not a customer of this account"))
            }
            let plan = try await input.plan.asyncFlatMap { try await plans.current($0, tenantID: tenant.id, on: conn) }
            if let code = input.plan, plan == nil {
                errors.append(FieldError(field: "plan", message: "\(code) is not a plan of this account"))
            }
            guard errors.isEmpty, let customer, let plan else { throw ValidationError(errors) }
            let today = LocalDate(instant: now, in: profile.zone)
            let terms = try SubscriptionRules.terms(
                input, plan: plan.plan, today: today, customerCurrency: customer.fields.currency,
                defaultPaymentTermsDays: profile.paymentTermsDays
            )
            var subscription = Subscription(
                id: Identifier.make("sub"), customerID: customer.id, planCode: plan.plan.code,
                planVersion: plan.version, quantity: terms.quantity, currency: terms.currency.code,
                status: terms.trialEnd == nil ? .active : .trialing, startDate: terms.startDate,
                trialEnd: terms.trialEnd, billingAnchor: terms.billingAnchor,
                collectionMethod: terms.collectionMethod, paymentTermsDays: terms.paymentTermsDays,
                metadata: terms.metadata, livemode: tenant.livemode, now: now
            )
            subscription.nextBillingDate = terms.startDate
            subscription.nextBillingAt = terms.startDate.startInstant(in: profile.zone)
            try await subscriptions.insert(subscription, tenantID: tenant.id, on: conn)
            op.record(.subscription(.subscriptionCreated, SubscriptionJSON(subscription)))
            try await op.publishRecorded()
            subscription = try await billDue(
                subscription, buyer: BuyerSnapshot(customer), tenant: tenant, now: now, on: conn)
            op.invoicesIssued()
            return subscription
        }
    }

    /// Issues every boundary of `subscription` that is due at `now` (its start, and more when it
    /// started in the past), on the caller's transaction, and returns the resulting state.
    func billDue(
        _ subscription: Subscription, buyer: BuyerSnapshot, tenant: Tenant, now: Date, on conn: PostgresConnection
    ) async throws -> Subscription {
        var current = subscription
        var cache = PlanCache()
        while let due = current.nextBillingAt, due <= now {
            _ = try await billing.process(
                [DueSubscription(tenantID: tenant.id, subscription: current, buyer: buyer)], now: now, cache: &cache,
                on: conn
            )
            guard let reloaded = try await subscriptions.find(current.id, tenantID: tenant.id, on: conn) else {
                throw StoreError.notFound
            }
            current = reloaded
        }
        return current
    }

    public func get(_ id: String, tenant: Tenant) async throws -> Subscription {
        guard Identifier.looksValid(id, prefix: "sub"),
            let s = try await database.withConnection({
                try await subscriptions.find(id, tenantID: tenant.id, on: $0)
            })
        else { throw EngineError.notFound(resource: "subscription", id: id) }
        return s
    }

    public func list(tenant: Tenant, customerID: String?, limit: Int, startingAfter: String?) async throws -> (
        subscriptions: [Subscription], hasMore: Bool
    ) {
        try await database.withConnection { conn in
            if let startingAfter, !Identifier.looksValid(startingAfter, prefix: "sub") {
                throw ValidationError(field: "starting_after", message: "is not a subscription id")
            }
            if let customerID, !Identifier.looksValid(customerID, prefix: "cus") {
                throw ValidationError(field: "customer", message: "is not a customer id")
            }
            return try await subscriptions.list(
                tenantID: tenant.id, customerID: customerID, limit: limit, startingAfter: startingAfter, on: conn
            )
        }
    }

    /// The periods of service so far and the next one, each with the invoice that billed it.
    public func periods(_ id: String, tenant: Tenant) async throws -> [SubscriptionPeriodJSON] {
        let s = try await get(id, tenant: tenant)
        return try await database.withConnection { conn in
            guard let plan = try await plans.find(s.planCode, version: s.planVersion, tenantID: tenant.id, on: conn)
            else { throw StoreError.notFound }
            let timeline = SubscriptionTimeline(
                start: s.startDate, trialEnd: s.trialEnd,
                schedule: BillingSchedule(anchor: s.billingAnchor, interval: plan.plan.billingInterval)
            )
            let byDate = try await invoices.cycleInvoiceIDs(subscriptionID: s.id, tenantID: tenant.id, on: conn)
            var result: [SubscriptionPeriodJSON] = []
            var boundary = s.startDate
            let last = s.endedOn ?? s.currentPeriodEnd ?? s.startDate
            while result.count < 1000 {
                let period = timeline.servicePeriod(startingAt: boundary)
                let ended = s.endedOn.map { period.period.start >= $0 } ?? false
                if ended || period.period.start > last { break }
                result.append(
                    SubscriptionPeriodJSON(
                        start: period.period.start.description, end: period.period.end.description,
                        trial: period.isTrial, invoice: byDate[period.period.start],
                        status: period.period.end <= (s.currentPeriodStart ?? s.startDate)
                            ? "delivered" : (period.period.start == s.currentPeriodStart ? "current" : "upcoming")
                    )
                )
                boundary = period.period.end
            }
            return result
        }
    }

    /// Changes plan and/or quantity. `proration`: `immediate` invoices the difference for the
    /// rest of the period now; `next_period` schedules the change for the next boundary; `none`
    /// changes at once without an invoice.
    public func change(
        _ id: String, plan planCode: String?, quantity: Int64?, proration: String?, tenant: Tenant
    ) async throws -> Subscription {
        try await operations.run(tenant) { op in
            let (conn, now) = (op.connection, op.now)
            var s = try await lockChangeable(id, tenant: tenant, on: conn)
            let mode = proration ?? "immediate"
            let (old, new) = try await validateChange(s, plan: planCode, quantity: quantity, mode: mode, op)
            let newQuantity = quantity ?? s.quantity
            let today = try await op.today()
            switch mode {
            case "next_period":
                s.pendingPlanCode = new.plan.code
                s.pendingPlanVersion = new.version
                s.pendingQuantity = newQuantity
            default:
                if mode == "immediate",
                    try await prorate(s, from: old, to: new, quantity: newQuantity, today: today, op)
                {
                    op.invoicesIssued()
                }
                s.planCode = new.plan.code
                s.planVersion = new.version
                s.quantity = newQuantity
                s.pendingPlanCode = nil
                s.pendingPlanVersion = nil
                s.pendingQuantity = nil
            }
            s.updatedAt = now
            try await subscriptions.save(s, tenantID: tenant.id, on: conn)
            op.record(.subscription(.subscriptionUpdated, SubscriptionJSON(s)))
            return s
        }
    }

    /// The current and the new plan of a change, or every field that is wrong with it.
    func validateChange(
        _ s: Subscription, plan planCode: String?, quantity: Int64?, mode: String, _ op: OperationContext
    ) async throws -> (old: PlanVersion, new: PlanVersion) {
        var errors: [FieldError] = []
        if !["immediate", "next_period", "none"].contains(mode) {
            errors.append(FieldError(field: "proration", message: "must be immediate, next_period or none"))
        }
        if planCode == nil && quantity == nil {
            errors.append(FieldError(field: "plan", message: "or quantity is required"))
        }
        if let quantity, quantity < 1 || quantity > 1_000_000_000 {
            errors.append(FieldError(field: "quantity", message: "must be a whole number from 1 to 10^9"))
        }
        guard
            let old = try await plans.find(
                s.planCode, version: s.planVersion, tenantID: op.tenant.id, on: op.connection)
        else { throw StoreError.notFound }
        var new = old
        if let planCode {
            if let found = try await plans.current(planCode, tenantID: op.tenant.id, on: op.connection) {
                new = found
                if found.plan.billingInterval != old.plan.billingInterval {
                    errors.append(
                        FieldError(field: "plan", message: "must bill on the same interval as \(old.plan.code)")
                    )
                }
                if !found.plan.currencies.contains(s.currency) {
                    errors.append(FieldError(field: "plan", message: "has no price in \(s.currency)"))
                }
            } else {
                errors.append(FieldError(field: "plan", message: "\(planCode) is not a plan of this account"))
            }
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return (old, new)
    }

    /// The difference of a change for the rest of the current period, invoiced now; false when
    /// there is nothing to prorate (no current period today, or a currency Kontor lacks).
    func prorate(
        _ s: Subscription, from old: PlanVersion, to new: PlanVersion, quantity newQuantity: Int64, today: LocalDate,
        _ op: OperationContext
    ) async throws -> Bool {
        guard let current = s.currentPeriod, current.contains(today), let currency = Currency(code: s.currency) else {
            return false
        }
        let timeline = Self.timeline(s, plan: old.plan)
        let period = ServicePeriod(
            period: current, isTrial: s.currentPeriodTrial,
            fullPeriod: timeline.servicePeriod(startingAt: current.start).fullPeriod
        )
        let lines = try MidPeriodChange.prorationLines(
            period: period, on: today, from: old.plan, quantity: s.quantity, to: new.plan,
            quantity: newQuantity, currency: currency
        )
        let customer = try await customers.find(s.customerID, tenant: op.tenant, on: op.connection)
        try await issuer.issue(
            [
                InvoiceRequest(
                    customerID: s.customerID, subscriptionID: s.id, billingReason: "subscription_update",
                    billingDate: today, currency: currency, lines: lines,
                    buyer: BuyerSnapshot(customer!), taxCategory: new.plan.taxCategory,
                    collectionMethod: s.collectionMethod, paymentTermsDays: s.paymentTermsDays
                )
            ],
            profile: try await op.profile(), now: op.now, on: op.connection
        )
        return true
    }

    /// Cancels at the end of the current period, or now: then usage so far is invoiced and the
    /// unused prepaid part of the period is credited pro rata by a credit note.
    public func cancel(_ id: String, at: String?, tenant: Tenant) async throws -> Subscription {
        let mode = at ?? "period_end"
        guard ["now", "period_end"].contains(mode) else {
            throw ValidationError(field: "at", message: "must be now or period_end")
        }
        return try await operations.run(tenant) { op in
            let (conn, now) = (op.connection, op.now)
            var s = try await lockChangeable(id, tenant: tenant, on: conn)
            s.canceledAt = now
            s.updatedAt = now
            if mode == "period_end", s.currentPeriod != nil {
                s.cancelAtPeriodEnd = true
                try await subscriptions.save(s, tenantID: tenant.id, on: conn)
                op.record(.subscription(.subscriptionUpdated, SubscriptionJSON(s)))
                return s
            }
            let profile = try await op.profile()
            let today = LocalDate(instant: now, in: profile.zone)
            if let current = s.currentPeriod, current.contains(today), !s.currentPeriodTrial,
                let currency = Currency(code: s.currency),
                let plan = try await plans.find(s.planCode, version: s.planVersion, tenantID: tenant.id, on: conn)
            {
                try await settleEarlyEnd(
                    s, plan: plan.plan, period: current, today: today, currency: currency, profile: profile,
                    tenant: tenant, now: now, on: conn
                )
                // A final usage invoice is charged, and a credit may settle what was overdue.
                op.invoicesIssued()
                op.openItemsMoved(for: [s.customerID])
            }
            s.status = .canceled
            s.endedOn = today
            s.nextBillingDate = nil
            s.nextBillingAt = nil
            s.cancelAtPeriodEnd = false
            try await subscriptions.save(s, tenantID: tenant.id, on: conn)
            op.record(.subscription(.subscriptionCanceled, SubscriptionJSON(s)))
            return s
        }
    }

    /// Final usage invoice and pro-rata credit note of a subscription ended on `today`.
    func settleEarlyEnd(
        _ s: Subscription, plan: Plan, period current: BillingPeriod, today: LocalDate, currency: Currency,
        profile: TenantProfile, tenant: Tenant, now: Date, on conn: PostgresConnection
    ) async throws {
        guard let customer = try await customers.find(s.customerID, tenant: tenant, on: conn) else { return }
        if plan.hasMeteredCharges {
            let window = UsageRepository.Window(
                tenantID: tenant.id, subscriptionID: s.id, from: current.start.startInstant(in: profile.zone),
                // Usage stamped at the very instant of the cancellation still counts.
                to: now.addingTimeInterval(0.001)
            )
            let totals = try await usage.totals([window], on: conn)[s.id] ?? [:]
            let lines = try BillingCycle.usageLines(
                plan: plan, period: BillingPeriod(start: current.start, end: max(today, current.start.adding(days: 1))),
                usage: totals, currency
            )
            try await issuer.issue(
                [
                    InvoiceRequest(
                        customerID: s.customerID, subscriptionID: s.id, billingReason: "subscription_final",
                        billingDate: today, currency: currency, lines: lines, buyer: BuyerSnapshot(customer),
                        taxCategory: plan.taxCategory, collectionMethod: s.collectionMethod,
                        paymentTermsDays: s.paymentTermsDays
                    )
                ],
                profile: profile, now: now, on: conn
            )
        }
        let timeline = Self.timeline(s, plan: plan)
        let period = ServicePeriod(
            period: current, isTrial: false, fullPeriod: timeline.servicePeriod(startingAt: current.start).fullPeriod
        )
        var lines = try MidPeriodChange.unusedTimeLines(
            period: period, on: today, plan: plan, quantity: s.quantity, currency: currency
        )
        guard !lines.isEmpty,
            let invoice = try await invoices.cycleInvoice(
                subscriptionID: s.id, billingDate: current.start, tenantID: tenant.id, forUpdate: true, on: conn
            )
        else { return }
        // Never credit more than is left on the period's invoice (a mid-period upgrade was billed
        // on its own invoice): the credit is capped to the net that can still be credited.
        let treatment = TaxTreatment(code: invoice.taxTreatment) ?? .exempt
        let creditable = invoice.creditable
        if let totals = try? InvoiceTotals(lines: lines, treatment: treatment), totals.total > creditable {
            let net =
                RoundingRule.down.multiplyDivide(creditable, by: 10_000, dividedBy: Int64(10_000 + treatment.rate)) ?? 0
            lines = [
                InvoiceLineDraft(description: "Unused time on \(plan.name) (up to the amount invoiced)", amount: net)
            ]
        }
        guard lines.contains(where: { $0.amount > 0 }) else { return }
        _ = try await creditNotes.issue(
            against: invoice, lines: lines, reason: "subscription_canceled", memo: nil, profile: profile, now: now,
            on: conn
        )
    }

    public func pause(_ id: String, tenant: Tenant) async throws -> Subscription {
        try await transition(id, tenant: tenant, event: .subscriptionPaused) { s, now in
            guard s.status != .paused else { throw EngineError.conflict("subscription \(id) is already paused") }
            s.status = .paused
            s.pausedAt = now
        }
    }

    public func resume(_ id: String, tenant: Tenant) async throws -> Subscription {
        try await transition(id, tenant: tenant, event: .subscriptionResumed) { s, _ in
            guard s.status == .paused else { throw EngineError.conflict("subscription \(id) is not paused") }
            s.status = s.currentPeriodTrial ? .trialing : .active
            s.pausedAt = nil
        }
    }

    func transition(
        _ id: String, tenant: Tenant, event: EventType,
        _ change: @Sendable (inout Subscription, Date) throws -> Void
    ) async throws -> Subscription {
        try await operations.run(tenant) { op in
            var s = try await lockChangeable(id, tenant: tenant, on: op.connection)
            try change(&s, op.now)
            s.updatedAt = op.now
            try await subscriptions.save(s, tenantID: tenant.id, on: op.connection)
            op.record(.subscription(event, SubscriptionJSON(s)))
            return s
        }
    }

    func lockChangeable(_ id: String, tenant: Tenant, on conn: PostgresConnection) async throws -> Subscription {
        guard Identifier.looksValid(id, prefix: "sub"),
            let s = try await subscriptions.find(id, tenantID: tenant.id, forUpdate: true, on: conn)
        else { throw EngineError.notFound(resource: "subscription", id: id) }
        guard s.status != .canceled else { throw EngineError.conflict("subscription \(id) is canceled") }
        return s
    }

    static func timeline(_ s: Subscription, plan: Plan) -> SubscriptionTimeline {
        SubscriptionTimeline(
            start: s.startDate, trialEnd: s.trialEnd,
            schedule: BillingSchedule(anchor: s.billingAnchor, interval: plan.billingInterval)
        )
    }
}

/// One period of `GET /v1/subscriptions/{id}/periods`.
public struct SubscriptionPeriodJSON: Codable, Sendable, Equatable {
    public var start: String
    public var end: String
    public var trial: Bool
    public var invoice: String?
    public var status: String
}
