/// One stretch of service a subscription delivers, as the billing run sees it: a trial, a
/// partial first period up to the anchor grid, or a full grid period.
public struct ServicePeriod: Hashable, Sendable {
    public let period: BillingPeriod
    public let isTrial: Bool
    /// The grid period `period` lies in. Charges for a partial period are prorated by
    /// `period.days / fullPeriod.days`.
    public let fullPeriod: BillingPeriod

    public init(period: BillingPeriod, isTrial: Bool, fullPeriod: BillingPeriod) {
        self.period = period
        self.isTrial = isTrial
        self.fullPeriod = fullPeriod
    }

    public var isPartial: Bool { period != fullPeriod }
}

/// A subscription's periods: an optional trial `[start, trialEnd)`, then the anchored grid.
/// The first paid period runs from the end of the trial (or the start) to the next grid
/// boundary and is partial when the anchor is not the start.
public struct SubscriptionTimeline: Hashable, Sendable {
    public let start: LocalDate
    public let trialEnd: LocalDate?
    public let schedule: BillingSchedule

    public init(start: LocalDate, trialEnd: LocalDate?, schedule: BillingSchedule) {
        self.start = start
        self.trialEnd = trialEnd
        self.schedule = schedule
    }

    /// The service period that begins at `boundary` (the start, the trial end, or a grid
    /// boundary after them).
    public func servicePeriod(startingAt boundary: LocalDate) -> ServicePeriod {
        if let trialEnd, boundary < trialEnd {
            let trial = BillingPeriod(start: boundary, end: trialEnd)
            return ServicePeriod(period: trial, isTrial: true, fullPeriod: trial)
        }
        let full = schedule.period(containing: boundary)
        return ServicePeriod(
            period: BillingPeriod(start: boundary, end: full.end), isTrial: false, fullPeriod: full
        )
    }

    /// The service period that contains `date` (for mid-period changes and cancellations).
    public func servicePeriod(containing date: LocalDate) -> ServicePeriod {
        var boundary = start
        if let trialEnd, date < trialEnd { return servicePeriod(startingAt: start) }
        if let trialEnd { boundary = Swift.max(boundary, trialEnd) }
        let full = schedule.period(containing: date)
        if full.start > boundary { boundary = full.start }
        return servicePeriod(startingAt: boundary)
    }
}
