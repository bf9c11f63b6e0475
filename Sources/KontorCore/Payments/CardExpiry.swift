/// When a card stops working: at the end of its expiry month in the tenant's time zone, that is
/// at the first instant of the following month's first day.
public struct CardExpiry: Hashable, Sendable {
    public let month: Int
    public let year: Int

    public init(month: Int, year: Int) throws(ValidationError) {
        var errors: [FieldError] = []
        if !(1...12).contains(month) { errors.append(FieldError(field: "exp_month", message: "must be 1 to 12")) }
        if !(2000...2100).contains(year) {
            errors.append(FieldError(field: "exp_year", message: "must be a year from 2000 to 2100"))
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        self.month = month
        self.year = year
    }

    /// The first day on which the card no longer works.
    public var firstInvalidDay: LocalDate { LocalDate(year: year, month: month, day: 1)!.adding(months: 1) }

    /// The day the `payment_method.expiring` notice is due: `leadDays` before the first invalid day.
    public func noticeDay(leadDays: Int) -> LocalDate { firstInvalidDay.adding(days: -leadDays) }

    /// Whether the card has expired on `today`.
    public func isExpired(on today: LocalDate) -> Bool { today >= firstInvalidDay }
}
