/// The anchored grid of period boundaries: `anchor + n × interval` for every integer `n`.
///
/// Invariant: boundaries are strictly increasing in `n`, so the periods they bound are
/// contiguous. Every period is derived from the anchor, so no drift accumulates over years.
public struct BillingSchedule: Hashable, Sendable {
    public let anchor: LocalDate
    public let interval: BillingInterval

    public init(anchor: LocalDate, interval: BillingInterval) {
        self.anchor = anchor
        self.interval = interval
    }

    public func boundary(_ index: Int) -> LocalDate { interval.boundary(from: anchor, index: index) }

    /// The largest `n` with `boundary(n) <= date`.
    public func index(containing date: LocalDate) -> Int {
        var n = anchor.days(to: date) / interval.approximateDays
        // The estimate errs by at most a few intervals; walk to the exact index.
        while boundary(n) > date { n -= 1 }
        while boundary(n + 1) <= date { n += 1 }
        return n
    }

    /// The full period of the grid that contains `date`.
    public func period(containing date: LocalDate) -> BillingPeriod {
        let n = index(containing: date)
        return BillingPeriod(start: boundary(n), end: boundary(n + 1))
    }

    /// The first boundary strictly after `date`.
    public func boundary(after date: LocalDate) -> LocalDate { boundary(index(containing: date) + 1) }
}
