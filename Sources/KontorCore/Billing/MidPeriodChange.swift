/// Proration when a subscription changes in the middle of a period (Stripe's rule): a credit
/// for the unused part of the old price and a charge for the rest of the period at the new
/// price, both day-based over the full grid period. Upgrading from 10 to 20 a month exactly
/// halfway gives −5 + 10 = +5.
public enum MidPeriodChange {
    /// Lines for changing on `date` within `period` from (oldPlan, oldQuantity) to
    /// (newPlan, newQuantity). Nothing was charged for a trial, so nothing is prorated there.
    public static func prorationLines(
        period: ServicePeriod, on date: LocalDate, from oldPlan: Plan, quantity oldQuantity: Int64,
        to newPlan: Plan, quantity newQuantity: Int64, currency: Currency
    ) throws(MoneyError) -> [InvoiceLineDraft] {
        guard !period.isTrial else { return [] }
        let remaining = date.days(to: period.period.end)
        guard remaining > 0 else { return [] }
        let credit = try BillingCycle.advanceLines(
            plan: oldPlan, quantity: oldQuantity, period: period, days: remaining, currency,
            descriptionPrefix: "Unused time on "
        ).map { line in
            var negated = line
            negated.amount = -line.amount
            return negated
        }
        let charge = try BillingCycle.advanceLines(
            plan: newPlan, quantity: newQuantity, period: period, days: remaining, currency,
            descriptionPrefix: "Remaining time on "
        )
        // A charge the change leaves as it was (the base fee when only seats change) would show
        // as a credit and an equal charge: leave both out.
        let unchanged = Set(
            credit.compactMap { c in
                charge.contains { $0.chargeCode == c.chargeCode && $0.amount == -c.amount && $0.quantity == c.quantity }
                    ? c.chargeCode : nil
            }
        )
        let sameCode = oldPlan.code == newPlan.code
        return (credit + charge).filter { line in
            line.amount != 0 && !(sameCode && line.chargeCode.map(unchanged.contains) == true)
        }
    }

    /// The unused, prepaid part of a period when a subscription is canceled on `date`: the
    /// lines of the pro-rata credit note (positive amounts).
    public static func unusedTimeLines(
        period: ServicePeriod, on date: LocalDate, plan: Plan, quantity: Int64, currency: Currency
    ) throws(MoneyError) -> [InvoiceLineDraft] {
        guard !period.isTrial else { return [] }
        let remaining = date.days(to: period.period.end)
        guard remaining > 0 else { return [] }
        return try BillingCycle.advanceLines(
            plan: plan, quantity: quantity, period: period, days: remaining, currency,
            descriptionPrefix: "Unused time on "
        ).filter { $0.amount != 0 }
    }
}
