import Foundation
import KontorCore
import KontorStore

/// One subscription crossing one boundary: the invoice it needs (if any), its new state, and
/// the event that state change announces. Pure: every input is given, nothing is read.
struct BillingStep {
    var subscription: Subscription
    var invoice: InvoiceRequest?
    var eventType: EventType?

    static func advance(
        _ item: DueSubscription, usage: [String: UsageTotals], plans: PlanCache, zone: TimeZone, now: Date
    ) throws -> BillingStep {
        var s = item.subscription
        guard let boundary = s.nextBillingDate,
            let endingPlan = plans.plan(item.tenantID, s.planCode, s.planVersion)
        else { throw BillingInconsistency("subscription \(s.id) is due without a boundary or plan") }
        let plan = applyPendingChange(&s, plans: plans, tenantID: item.tenantID) ?? endingPlan
        guard let currency = Currency(code: s.currency) else {
            throw BillingInconsistency("subscription \(s.id) has an unknown currency \(s.currency)")
        }
        let timeline = SubscriptionTimeline(
            start: s.startDate, trialEnd: s.trialEnd,
            schedule: BillingSchedule(anchor: s.billingAnchor, interval: plan.billingInterval)
        )
        let ending: ServicePeriod? = s.currentPeriod.flatMap { current in
            current.end == boundary
                ? ServicePeriod(
                    period: current, isTrial: s.currentPeriodTrial,
                    fullPeriod: timeline.servicePeriod(startingAt: current.start).fullPeriod
                )
                : nil
        }
        let ends = s.cancelAtPeriodEnd && s.currentPeriodEnd == boundary
        let output = try BillingCycle.run(
            BillingCycle.Input(
                boundary: boundary, timeline: timeline, endingPeriod: ending, endingPlan: endingPlan, usage: usage,
                plan: plan, quantity: s.quantity, currency: currency, ends: ends, paused: s.status == .paused
            )
        )
        let eventType = enter(output.nextPeriod, &s, boundary: boundary, zone: zone)
        s.updatedAt = now
        let request = InvoiceRequest(
            customerID: s.customerID, subscriptionID: s.id,
            billingReason: ends ? "subscription_final" : "subscription_cycle", billingDate: boundary,
            currency: currency, lines: output.lines, buyer: item.buyer, taxCategory: plan.taxCategory,
            collectionMethod: s.collectionMethod, paymentTermsDays: s.paymentTermsDays
        )
        return BillingStep(subscription: s, invoice: output.lines.isEmpty ? nil : request, eventType: eventType)
    }

    /// A plan or quantity change scheduled for the period end takes effect at the boundary;
    /// returns the new plan when the plan changed.
    static func applyPendingChange(_ s: inout Subscription, plans: PlanCache, tenantID: String) -> Plan? {
        defer {
            s.pendingPlanCode = nil
            s.pendingPlanVersion = nil
            s.pendingQuantity = nil
        }
        if let code = s.pendingPlanCode, let version = s.pendingPlanVersion,
            let pending = plans.plan(tenantID, code, version)
        {
            s.planCode = code
            s.planVersion = version
            s.quantity = s.pendingQuantity ?? s.quantity
            return pending
        }
        if let quantity = s.pendingQuantity { s.quantity = quantity }
        return nil
    }

    /// The subscription enters its next period (a trial ending makes it active), or ends at the
    /// boundary when there is none; returns the event the change announces, if any.
    static func enter(_ next: ServicePeriod?, _ s: inout Subscription, boundary: LocalDate, zone: TimeZone)
        -> EventType?
    {
        guard let next else {
            s.status = .canceled
            s.endedOn = boundary
            s.nextBillingDate = nil
            s.nextBillingAt = nil
            return .subscriptionCanceled
        }
        let before = s.status
        s.currentPeriodStart = next.period.start
        s.currentPeriodEnd = next.period.end
        s.currentPeriodTrial = next.isTrial
        s.nextBillingDate = next.period.end
        s.nextBillingAt = next.period.end.startInstant(in: zone)
        if s.status == .trialing && !next.isTrial { s.status = .active }
        return before != s.status ? .subscriptionUpdated : nil
    }
}

/// Stored state that the billing run cannot make sense of (a bug, never bad input).
struct BillingInconsistency: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
