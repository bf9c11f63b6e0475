/// What is due when a subscription reaches a period boundary: usage of the period that just
/// ended (in arrears), the setup fee on the very first boundary, and licensed charges for the
/// period that begins (in advance). Pure: the billing run loads the inputs in bulk, calls
/// this for each subscription, and writes the results in bulk.
public struct BillingCycle: Sendable {
    public struct Input: Sendable {
        public var boundary: LocalDate
        public var timeline: SubscriptionTimeline
        /// The service period ending at `boundary`, if any (none at the start).
        public var endingPeriod: ServicePeriod?
        /// The plan the ending period was delivered under.
        public var endingPlan: Plan
        public var usage: [String: UsageTotals]
        /// The plan and quantity from `boundary` on (a scheduled change already applied).
        public var plan: Plan
        public var quantity: Int64
        public var currency: Currency
        /// The subscription ends at `boundary` (canceled at period end).
        public var ends: Bool
        /// Paused subscriptions deliver no service, so nothing is billed in advance.
        public var paused: Bool

        public init(
            boundary: LocalDate, timeline: SubscriptionTimeline, endingPeriod: ServicePeriod?, endingPlan: Plan,
            usage: [String: UsageTotals], plan: Plan, quantity: Int64, currency: Currency, ends: Bool, paused: Bool
        ) {
            self.boundary = boundary
            self.timeline = timeline
            self.endingPeriod = endingPeriod
            self.endingPlan = endingPlan
            self.usage = usage
            self.plan = plan
            self.quantity = quantity
            self.currency = currency
            self.ends = ends
            self.paused = paused
        }
    }

    public struct Output: Hashable, Sendable {
        public var lines: [InvoiceLineDraft]
        /// The period that begins at the boundary; `nil` when the subscription ends.
        public var nextPeriod: ServicePeriod?
    }

    public static func run(_ input: Input) throws(MoneyError) -> Output {
        var lines: [InvoiceLineDraft] = []
        if let ending = input.endingPeriod, !ending.isTrial {
            lines += try usageLines(plan: input.endingPlan, period: ending.period, usage: input.usage, input.currency)
        }
        guard !input.ends else { return Output(lines: lines, nextPeriod: nil) }
        let next = input.timeline.servicePeriod(startingAt: input.boundary)
        if input.boundary == input.timeline.start {
            for charge in input.plan.charges where charge.type == .setupFee {
                let amount = try charge.amount(quantity: 1, currency: input.currency)
                lines.append(
                    InvoiceLineDraft(
                        description: "\(input.plan.name) – \(charge.name)", chargeCode: charge.code, quantity: 1,
                        unitAmount: amount, amount: amount
                    )
                )
            }
        }
        if !next.isTrial, !input.paused {
            lines += try advanceLines(
                plan: input.plan, quantity: input.quantity, period: next, days: next.period.days, input.currency
            )
        }
        return Output(lines: lines.filter { $0.amount != 0 || $0.quantity != 0 }, nextPeriod: next)
    }

    /// Licensed charges for `days` of `period` (all of it, or the rest of it after a change).
    public static func advanceLines(
        plan: Plan, quantity: Int64, period: ServicePeriod, days: Int, _ currency: Currency,
        descriptionPrefix: String = ""
    ) throws(MoneyError) -> [InvoiceLineDraft] {
        var lines: [InvoiceLineDraft] = []
        let fullDays = period.fullPeriod.days
        let billed = BillingPeriod(start: period.period.end.adding(days: -days), end: period.period.end)
        for charge in plan.charges where [.flat, .perUnit, .tiered].contains(charge.type) {
            let units = charge.type == .flat ? 1 : quantity
            let full = try charge.amount(quantity: units, currency: currency)
            let amount = try Proration.prorate(full, days: days, of: fullDays)
            let prorated = days != fullDays
            lines.append(
                InvoiceLineDraft(
                    description: "\(descriptionPrefix)\(plan.name) – \(charge.name)"
                        + (prorated ? " (\(days) of \(fullDays) days)" : ""),
                    chargeCode: charge.code, period: billed, quantity: units,
                    unitAmount: prorated ? nil : charge.displayUnitAmount(quantity: units, currency: currency),
                    amount: amount
                )
            )
        }
        return lines
    }

    public static func usageLines(
        plan: Plan, period: BillingPeriod, usage: [String: UsageTotals], _ currency: Currency
    ) throws(MoneyError) -> [InvoiceLineDraft] {
        var lines: [InvoiceLineDraft] = []
        for charge in plan.charges where charge.type == .metered {
            guard let metric = charge.metric, let aggregation = charge.aggregation else { continue }
            let quantity = usage[metric]?.value(aggregation) ?? 0
            guard quantity > 0 else { continue }
            let amount = try charge.amount(quantity: quantity, currency: currency)
            lines.append(
                InvoiceLineDraft(
                    description: "\(plan.name) – \(charge.name) (usage)", chargeCode: charge.code, period: period,
                    quantity: quantity, unitAmount: charge.displayUnitAmount(quantity: quantity, currency: currency),
                    amount: amount
                )
            )
        }
        return lines
    }
}
