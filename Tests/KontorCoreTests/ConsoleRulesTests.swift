import Foundation
import KontorCore
import Testing

/// Period close, dunning blocks, the OP-Liste's filters and who may do what in the console.
@Suite struct ConsoleRulesTests {
    func day(_ s: String) -> LocalDate { LocalDate(s)! }

    @Test func aMonthClosesOnlyWhenOverAndOnlyAfterTheLastClosedOne() {
        let march = AccountingPeriod("2027-03")!
        #expect(march.firstDay == day("2027-03-01") && march.lastDay == day("2027-03-31"))
        #expect(AccountingPeriod("2028-02")!.lastDay == day("2028-02-29"))
        #expect(march.next == AccountingPeriod("2027-04"))
        #expect(AccountingPeriod("2027-12")!.next == AccountingPeriod("2028-01"))
        // Not over yet: the last day must have passed.
        #expect(march.closingProblem(today: day("2027-03-31"), lockedThrough: nil) != nil)
        #expect(march.closingProblem(today: day("2027-04-01"), lockedThrough: nil) == nil)
        // Closed already, and no month may be skipped.
        #expect(march.closingProblem(today: day("2027-06-01"), lockedThrough: day("2027-03-31")) != nil)
        #expect(march.closingProblem(today: day("2027-06-01"), lockedThrough: day("2027-02-28")) == nil)
        #expect(march.closingProblem(today: day("2027-06-01"), lockedThrough: day("2027-01-31")) != nil)
        for bad in ["2027-13", "2027-3", "27-03", "2027-03-01", "", "1999-12"] {
            #expect(AccountingPeriod(bad) == nil, "\(bad)")
        }
    }

    @Test func aBlockNeedsAReasonAndAnEndFromTodayToAYearAhead() {
        let today = day("2027-03-10")
        #expect(DunningBlock.problems(reason: "Klärung mit Vertrieb", until: day("2027-03-10"), today: today).isEmpty)
        #expect(DunningBlock.problems(reason: "  ", until: day("2027-04-01"), today: today).map(\.field) == ["reason"])
        #expect(DunningBlock.problems(reason: "x", until: day("2027-03-09"), today: today).map(\.field) == ["until"])
        #expect(DunningBlock.problems(reason: "x", until: day("2028-03-11"), today: today).map(\.field) == ["until"])
        #expect(DunningBlock.problems(reason: "", until: nil, today: today).map(\.field) == ["reason", "until"])
        let b = DunningBlock(
            id: "dbl_1", customerID: "cus_1", invoiceID: nil, reason: "x", until: day("2027-03-20"),
            createdBy: "user:u",
            createdAt: .init(timeIntervalSince1970: 0))
        #expect(b.holds(on: day("2027-03-20")) && !b.holds(on: day("2027-03-21")))
    }

    @Test func opListeFiltersNameEveryBadFieldAndBucketsMapToDueDates() {
        let (f, errors) = OpenItemFilter.parse([
            "customer": "cus_abc", "bucket": "31_60", "level": "2", "currency": "eur", "disputed": "true",
        ])
        #expect(errors.isEmpty)
        #expect(
            f == OpenItemFilter(customerID: "cus_abc", bucket: .days31To60, level: 2, currency: "EUR", disputed: true))
        let (_, bad) = OpenItemFilter.parse([
            "customer": "x'; drop", "bucket": "soon", "level": "11", "currency": "EURO", "disputed": "maybe",
        ])
        #expect(bad.map(\.field) == ["customer", "bucket", "level", "currency", "disputed"])
        #expect(OpenItemFilter.parse(["bucket": "", "level": " "]).0.isEmpty)
        let d = day("2027-04-30")
        #expect(AgingBucket.current.dueDates(asOf: d) == (d, nil))
        #expect(AgingBucket.days1To30.dueDates(asOf: d) == (day("2027-03-31"), day("2027-04-29")))
        #expect(AgingBucket.over90.dueDates(asOf: d) == (nil, day("2027-01-29")))
        // Each bucket's range holds exactly the days AgingBucket(daysPastDue:) puts in it.
        for late in -5...200 {
            let due = d.adding(days: -late)
            let bucket = AgingBucket(daysPastDue: late)
            let r = bucket.dueDates(asOf: d)
            #expect((r.from.map { due >= $0 } ?? true) && (r.through.map { due <= $0 } ?? true), "\(late)")
        }
    }

    @Test func anAuditorChangesNothingButTakesTheAuditExport() {
        for action in ConsoleAction.allCases {
            #expect(UserRole.admin.may(action) && UserRole.finance.may(action))
            #expect(UserRole.auditor.may(action) == (action == .auditExport), "\(action)")
        }
        #expect(UserRole.collector.may(.dun) && UserRole.collector.may(.allocate))
        #expect(!UserRole.collector.may(.approveWriteOff) && !UserRole.collector.may(.closePeriod))
    }
}
