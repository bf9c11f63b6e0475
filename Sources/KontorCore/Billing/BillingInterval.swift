/// How long one billing period is: `count` × `unit` (every 3 months, every 2 weeks).
public struct BillingInterval: Hashable, Sendable {
    public enum Unit: String, Sendable, CaseIterable, Codable {
        case day, week, month, year
    }

    public let unit: Unit
    public let count: Int

    public init(_ unit: Unit, count: Int = 1) {
        precondition(count >= 1, "an interval has at least one unit")
        self.unit = unit
        self.count = count
    }

    /// The `index`-th boundary after `anchor` (negative: before it).
    ///
    /// Computed from the anchor every time, never from the previous boundary: a monthly anchor
    /// on Jan 31 gives Feb 28, Mar 31, Apr 30 — not Feb 28, Mar 28, Apr 28.
    public func boundary(from anchor: LocalDate, index: Int) -> LocalDate {
        switch unit {
        case .day: anchor.adding(days: index * count)
        case .week: anchor.adding(days: index * count * 7)
        case .month: anchor.adding(months: index * count)
        case .year: anchor.adding(months: index * count * 12)
        }
    }

    /// A lower estimate of days per interval, used to jump near the right boundary index.
    var approximateDays: Int {
        switch unit {
        case .day: count
        case .week: 7 * count
        case .month: 28 * count
        case .year: 365 * count
        }
    }
}
