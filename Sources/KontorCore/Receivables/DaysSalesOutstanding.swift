/// DSO over the twelve months ending with a day's month, per currency: each month's
/// receivable at its end against what was invoiced in it (`DaysSalesOutstanding`).
public enum DSOHistory {
    public struct Month: Sendable, Equatable {
        /// The first day of the month.
        public var month: LocalDate
        public var currency: String
        public var dso: DaysSalesOutstanding
    }

    /// From the opening balance before the first month and each month's net movement and
    /// sales; the last month ends on `through` (it may not be over).
    public static func months(
        through: LocalDate, opening: [String: Int64], movement: [String: [LocalDate: (net: Int64, sales: Int64)]]
    ) -> [Month] {
        let last = LocalDate(year: through.year, month: through.month, day: 1)!
        let firsts = (0..<12).reversed().map { last.adding(months: -$0) }
        var result: [Month] = []
        for currency in Set(opening.keys).union(movement.keys).sorted() {
            var balance = opening[currency] ?? 0
            for first in firsts {
                let m = movement[currency]?[first] ?? (0, 0)
                balance += m.net
                let end = first == last ? through : first.adding(months: 1).adding(days: -1)
                result.append(
                    Month(
                        month: first, currency: currency,
                        dso: DaysSalesOutstanding(receivables: balance, revenue: m.sales, from: first, to: end)))
            }
        }
        return result
    }
}
