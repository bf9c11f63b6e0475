import Foundation
import KontorCore
import PropertyBased
import Testing

@Suite struct BillingPeriodTests {
    func date(_ text: String) -> LocalDate { LocalDate(text)! }

    func boundaries(_ anchor: String, _ unit: BillingInterval.Unit, count: Int = 1, _ n: Int) -> [String] {
        let schedule = BillingSchedule(anchor: date(anchor), interval: BillingInterval(unit, count: count))
        return (0..<n).map { schedule.boundary($0).description }
    }

    @Test func january31MonthlyAnchorBillsFebruary28() {
        #expect(
            boundaries("2026-01-31", .month, 5) == [
                "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31",
            ]
        )
    }

    @Test func january31MonthlyAnchorBillsFebruary29InLeapYears() {
        #expect(boundaries("2028-01-31", .month, 3) == ["2028-01-31", "2028-02-29", "2028-03-31"])
    }

    @Test func yearlyAnchorOnFebruary29BillsFebruary28UntilTheNextLeapYear() {
        #expect(
            boundaries("2028-02-29", .year, 5) == [
                "2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29",
            ])
    }

    @Test func weeklyAndBiweeklyAddSevenDaysPerWeek() {
        #expect(boundaries("2026-12-28", .week, 3) == ["2026-12-28", "2027-01-04", "2027-01-11"])
        #expect(boundaries("2026-12-28", .week, count: 2, 3) == ["2026-12-28", "2027-01-11", "2027-01-25"])
    }

    @Test func quarterlyAnchorOnThe30thClampsOnlyInFebruary() {
        #expect(
            boundaries("2026-11-30", .month, count: 3, 5)
                == ["2026-11-30", "2027-02-28", "2027-05-30", "2027-08-30", "2027-11-30"]
        )
    }

    @Test func dailyIntervalsCrossTheYearEnd() {
        #expect(boundaries("2026-12-30", .day, 4) == ["2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02"])
    }

    @Test func aPeriodBeforeTheAnchorIsFoundToo() {
        let schedule = BillingSchedule(anchor: date("2026-03-31"), interval: BillingInterval(.month))
        #expect(schedule.period(containing: date("2026-03-01")).description == "2026-02-28..<2026-03-31")
    }

    @Test func trialThenPartialFirstPeriodUpToTheAnchor() {
        let timeline = SubscriptionTimeline(
            start: date("2026-01-10"), trialEnd: date("2026-01-24"),
            schedule: BillingSchedule(anchor: date("2026-02-01"), interval: BillingInterval(.month))
        )
        let trial = timeline.servicePeriod(startingAt: date("2026-01-10"))
        #expect(trial.isTrial && trial.period.description == "2026-01-10..<2026-01-24")
        let first = timeline.servicePeriod(startingAt: date("2026-01-24"))
        #expect(!first.isTrial && first.isPartial)
        #expect(first.period.description == "2026-01-24..<2026-02-01")
        #expect(first.fullPeriod.description == "2026-01-01..<2026-02-01")
        #expect(timeline.servicePeriod(startingAt: date("2026-02-01")).period.description == "2026-02-01..<2026-03-01")
        #expect(timeline.servicePeriod(containing: date("2026-01-30")).period.description == "2026-01-24..<2026-02-01")
    }

    @Test func dayNumbersRoundTripAndParsingIsStrict() async {
        await propertyCheck(count: 500, input: Gen.int(in: -200_000...200_000)) { n in
            let d = LocalDate(dayNumber: n)
            #expect(d.dayNumber == n)
            #expect(LocalDate(d.description) == d)
            #expect(d.adding(days: 1).dayNumber == n + 1)
        }
        #expect(LocalDate("2026-02-29") == nil)
        #expect(LocalDate("2026-2-1") == nil)
        #expect(LocalDate("2028-02-29") != nil)
    }

    /// Periods are contiguous (each ends where the next starts), never empty, and every
    /// boundary is `anchor + n intervals` with the day clamped only by month length.
    @Test func periodsAreContiguousAndNeverDrift() async {
        let units = BillingInterval.Unit.allCases
        await propertyCheck(
            count: 400,
            input: Gen.int(in: 0...40_000), Gen.int(in: 0..<4), Gen.int(in: 1...6), Gen.int(in: -400...4000)
        ) { anchorDay, unitIndex, count, offset in
            let anchor = LocalDate(dayNumber: anchorDay)
            let interval = BillingInterval(units[unitIndex], count: count)
            let schedule = BillingSchedule(anchor: anchor, interval: interval)
            let probe = anchor.adding(days: offset)
            let period = schedule.period(containing: probe)
            #expect(period.contains(probe))
            #expect(period.start < period.end)
            #expect(schedule.period(containing: period.end).start == period.end)
            #expect(schedule.period(containing: period.start.adding(days: -1)).end == period.start)
            let n = schedule.index(containing: probe)
            if interval.unit == .month || interval.unit == .year {
                let b = schedule.boundary(n)
                #expect(b.day == min(anchor.day, LocalDate.daysInMonth(year: b.year, month: b.month)))
            }
        }
    }

    /// In any time zone — across DST changes, half-hour zones and zones where DST skipped
    /// midnight — each day begins at one instant, days are in order, and an instant maps back
    /// to its day.
    @Test func dayStartsAreOrderedAndRoundTripInEveryTimeZone() async {
        let zones = [
            "Europe/Berlin", "America/New_York", "America/Los_Angeles", "America/Sao_Paulo", "Australia/Lord_Howe",
            "Pacific/Apia", "Asia/Kolkata", "America/Santiago", "Asia/Beirut", "UTC",
        ]
        await propertyCheck(count: 500, input: Gen.int(in: 0..<zones.count), Gen.int(in: 9_000...25_000)) { z, n in
            let zone = TimeZone(identifier: zones[z])!
            let day = LocalDate(dayNumber: n)
            let start = day.startInstant(in: zone)
            let next = day.adding(days: 1).startInstant(in: zone)
            // A day the zone skipped (Samoa jumped over 2011-12-30) has no instants at all.
            if zones[z] == "Pacific/Apia" && day == LocalDate("2011-12-30")! {
                #expect(start == next)
                return
            }
            #expect(start < next)
            #expect(next.timeIntervalSince(start) >= 22 * 3600 && next.timeIntervalSince(start) <= 26 * 3600)
            #expect(LocalDate(instant: start, in: zone) == day)
            #expect(LocalDate(instant: next.addingTimeInterval(-1), in: zone) == day)
        }
    }

    @Test func aDayTheZoneSkippedHasNoLength() {
        let samoa = TimeZone(identifier: "Pacific/Apia")!
        let skipped = LocalDate("2011-12-30")!
        #expect(skipped.startInstant(in: samoa) == skipped.adding(days: 1).startInstant(in: samoa))
        #expect(LocalDate(instant: skipped.startInstant(in: samoa), in: samoa) == LocalDate("2011-12-31"))
    }

    @Test func springForwardDayInBerlinIs23HoursButOneDay() {
        let zone = TimeZone(identifier: "Europe/Berlin")!
        let start = date("2026-03-29").startInstant(in: zone)
        let next = date("2026-03-30").startInstant(in: zone)
        #expect(next.timeIntervalSince(start) == 23 * 3600)
        #expect(date("2026-03-29").days(to: date("2026-03-30")) == 1)
    }
}
