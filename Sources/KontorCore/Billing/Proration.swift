/// Day-based proration (Stripe's and Kill Bill's rule): an amount for a whole period times the
/// days used over the days in that period, rounded once, half up.
///
/// Days are calendar days in the tenant's time zone, so a DST change never makes a day count
/// as 23 or 25 hours' worth.
public enum Proration {
    public static let rounding = RoundingRule.halfUp

    /// `amount × days / periodDays`, rounded half up. Throws on overflow.
    public static func prorate(_ amount: Int64, days: Int, of periodDays: Int) throws(MoneyError) -> Int64 {
        precondition(periodDays > 0 && days >= 0, "proration needs a non-empty period")
        if days == periodDays { return amount }
        guard let result = rounding.multiplyDivide(amount, by: Int64(days), dividedBy: Int64(periodDays)) else {
            throw .overflow
        }
        return result
    }
}
