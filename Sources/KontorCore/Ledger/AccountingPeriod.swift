/// A calendar month of the books ("2026-11"): what period close exports and locks.
public struct AccountingPeriod: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int

    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.count == 7, parts.count == 2, parts[0].count == 4, parts[1].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), (1...12).contains(m), y >= 2000
        else { return nil }
        year = y
        month = m
    }

    public init(containing day: LocalDate) {
        year = day.year
        month = day.month
    }

    public var firstDay: LocalDate { LocalDate(year: year, month: month, day: 1)! }
    public var lastDay: LocalDate {
        LocalDate(year: year, month: month, day: LocalDate.daysInMonth(year: year, month: month))!
    }
    public var next: AccountingPeriod { AccountingPeriod(containing: lastDay.adding(days: 1)) }

    public var description: String {
        (year < 1000 ? String(repeating: "0", count: 4 - String(year).count) : "") + "\(year)-"
            + (month < 10 ? "0" : "") + "\(month)"
    }

    public static func < (a: AccountingPeriod, b: AccountingPeriod) -> Bool {
        (a.year, a.month) < (b.year, b.month)
    }

    /// Why this month cannot be closed on `today` with the books locked through `lockedThrough`:
    /// it must be over, not closed already, and the next one after the last closed (so no month
    /// is locked without its export). Nil when it can.
    public func closingProblem(today: LocalDate, lockedThrough: LocalDate?) -> String? {
        if lastDay >= today { return "must be over: \(self) ends on \(lastDay)" }
        guard let lockedThrough else { return nil }
        let closed = AccountingPeriod(containing: lockedThrough)
        if self <= closed { return "is closed already (the books are locked through \(lockedThrough))" }
        if self != closed.next { return "must be \(closed.next), the month after the last one closed" }
        return nil
    }
}
