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
        var plan = endingPlan
        if let code = s.pendingPlanCode, let version = s.pendingPlanVersion,
            let pending = plans.plan(item.tenantID, code, version)
        {
            plan = pending
            s.planCode = code
            s.planVersion = version
            s.quantity = s.pendingQuantity ?? s.quantity
        } else if let quantity = s.pendingQuantity {
            s.quantity = quantity
        }
        s.pendingPlanCode = nil
        s.pendingPlanVersion = nil
        s.pendingQuantity = nil
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
        var eventType: EventType?
        let before = s.status
        if let next = output.nextPeriod {
            s.currentPeriodStart = next.period.start
            s.currentPeriodEnd = next.period.end
            s.currentPeriodTrial = next.isTrial
            s.nextBillingDate = next.period.end
            s.nextBillingAt = next.period.end.startInstant(in: zone)
            if s.status == .trialing && !next.isTrial { s.status = .active }
            if before != s.status { eventType = .subscriptionUpdated }
        } else {
            s.status = .canceled
            s.endedOn = boundary
            s.nextBillingDate = nil
            s.nextBillingAt = nil
            eventType = .subscriptionCanceled
        }
        s.updatedAt = now
        let request = InvoiceRequest(
            customerID: s.customerID, subscriptionID: s.id,
            billingReason: ends ? "subscription_final" : "subscription_cycle", billingDate: boundary,
            currency: currency, lines: output.lines, buyer: item.buyer, taxCategory: plan.taxCategory,
            collectionMethod: s.collectionMethod, paymentTermsDays: s.paymentTermsDays
        )
        return BillingStep(subscription: s, invoice: output.lines.isEmpty ? nil : request, eventType: eventType)
    }
}

/// Stored state that the billing run cannot make sense of (a bug, never bad input).
struct BillingInconsistency: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) { self.description = description }
}
