import KontorCore
import Testing

@Suite struct DunningRulesTests {
    let evaluator = DunningEvaluator(policy: .germanDefault)

    func evaluate(_ items: [OpenItem], _ state: DunningCase, _ today: String, consumer: Bool = false)
        -> DunningDecision
    {
        evaluator.evaluate(
            items: items.map { DunnedItem(item: $0) }, state: state, today: day(today), consumer: consumer,
            currency: "EUR")
    }

    func step(_ d: DunningDecision) -> DunningStep? {
        if case .escalate(let s) = d { return s }
        return nil
    }

    @Test func baseRateIsDatedDataAndChangesOnJanuaryAndJulyFirst() {
        let t = BaseRateTable.germany
        #expect(t.rate(on: day("2024-06-30")) == 362)
        #expect(t.rate(on: day("2024-07-01")) == 337)
        #expect(t.rate(on: day("2025-07-01")) == 127)
        #expect(t.rate(on: day("2026-11-22")) == 127)
    }

    @Test func businessDefaultInterestIsBaseRatePlusNinePointsActual365() {
        // 1,000.00 EUR for 30 days at 1.27 % + 9 = 10.27 %: 100000 × 0.1027 × 30 / 365 = 844.11 cents.
        let i = DefaultInterest()
        #expect(i.interest(on: 100_000, from: day("2026-01-01"), to: day("2026-01-31"), consumer: false) == 844)
        // A consumer pays base + 5 points: 6.27 % for a year.
        #expect(i.interest(on: 100_000, from: day("2026-01-01"), to: day("2027-01-01"), consumer: true) == 6270)
    }

    @Test func interestAcrossABaseRateChangeUsesEachDaysRate() {
        // 10 days at 2.27 + 9 and 10 days at 1.27 + 9: 100000 × (1127 + 1027) × 10 / 3,650,000 = 590.14.
        let i = DefaultInterest()
        #expect(i.interest(on: 100_000, from: day("2025-06-21"), to: day("2025-07-11"), consumer: false) == 590)
        #expect(i.interest(on: 100_000, from: day("2025-07-11"), to: day("2025-07-11"), consumer: false) == 0)
    }

    @Test func nothingOverdueSettlesTheCase() {
        #expect(evaluate([item("1", due: "2026-03-01", open: 0)], DunningCase(level: 2), "2026-04-01") == .settled)
        #expect(evaluate([item("1", due: "2026-03-31", open: 100)], .none, "2026-03-31") == .settled)
    }

    @Test func pausedOrHandedOverItemsHoldTheCaseWithoutClosingIt() {
        // A dispute or a kept payment plan pauses: the case keeps its level (no restore, no
        // escalation) and picks up where it was when the pause ends.
        let state = DunningCase(level: 3, levelReachedOn: day("2026-03-01"), defaultSince: day("2026-02-01"))
        let disputed = evaluator.evaluate(
            items: [DunnedItem(item: item("1", due: "2026-01-01", open: 100), paused: true)], state: state,
            today: day("2026-04-01"), consumer: false, currency: "EUR")
        #expect(disputed == .wait)
        // Items with the collection agency are still owed: the case stays open.
        let withAgency = evaluator.evaluate(
            items: [DunnedItem(item: item("1", due: "2026-01-01", open: 100), withAgency: true)], state: state,
            today: day("2026-04-01"), consumer: false, currency: "EUR")
        #expect(withAgency == .wait)
    }

    @Test func aNoticeListsItemsNotYetDueButDemandsOnlyTheOverdue() {
        let items = [
            item("1", due: "2026-03-01", open: 10000), item("2", due: "2026-04-20", open: 5000),
            item("3", due: "2026-04-20", open: 0),
        ]
        let s = step(evaluate(items, .none, "2026-03-08"))
        #expect(s?.overdue.map(\.id) == ["1"])
        #expect(s?.notYetDue.map(\.id) == ["2"])
    }

    @Test func aClaimDueAfterTheLastLevelStartsANewCaseFromTheFirstLevel() {
        let last = evaluator.policy.levels.count
        let state = DunningCase(
            level: last, levelReachedOn: day("2026-05-01"), defaultSince: day("2026-03-08"), interestCharged: 900,
            flatFeeCharged: true)
        let handedOver = DunnedItem(item: item("1", due: "2026-03-01", open: 10000), withAgency: true)
        let later = item("2", due: "2026-05-10", open: 5000)
        // Not yet at the first level's days past due: nothing.
        #expect(
            evaluator.evaluate(
                items: [handedOver, DunnedItem(item: later)], state: state, today: day("2026-05-12"), consumer: false,
                currency: "EUR") == .wait)
        let s = step(
            evaluator.evaluate(
                items: [handedOver, DunnedItem(item: later)], state: state, today: day("2026-05-17"), consumer: false,
                currency: "EUR"))
        #expect(s?.opensNewCase == true)
        #expect(s?.level == 1)
        #expect(s?.overdue.map(\.id) == ["2"])
        #expect(s?.next.defaultSince == day("2026-05-17"))
        #expect(s?.next.interestCharged == 0 && s?.next.flatFeeCharged == false)
        // A claim the last notice already listed (the last level only notifies) stays there.
        let listed = item("3", due: "2026-04-01", open: 5000)
        #expect(
            evaluator.evaluate(
                items: [DunnedItem(item: listed), DunnedItem(item: later)], state: state, today: day("2026-06-30"),
                consumer: false, currency: "EUR") == .wait)
    }

    @Test func firstLevelIsReachedAfterItsDaysPastTheOldestDueDate() {
        let items = [item("1", due: "2026-03-01", open: 10000)]
        #expect(evaluate(items, .none, "2026-03-07") == .wait)
        let s = step(evaluate(items, .none, "2026-03-08"))
        #expect(s?.level == 1)
        #expect(s?.fee == 0)
        #expect(s?.next.defaultSince == day("2026-03-08"))
    }

    @Test func aLateRunReachesOnlyTheNextLevelNeverSkipsOne() {
        let items = [item("1", due: "2026-03-01", open: 10000)]
        // 60 days overdue and never dunned: only the reminder, not the final notice.
        let first = step(evaluate(items, .none, "2026-04-30"))
        #expect(first?.level == 1)
        // The 1st Mahnung waits the policy's 14-day gap after the reminder.
        #expect(evaluate(items, first!.next, "2026-05-13") == .wait)
        #expect(step(evaluate(items, first!.next, "2026-05-14"))?.level == 2)
    }

    @Test func partialPaymentNeverSkipsOrResetsALevel() {
        let state = DunningCase(level: 2, levelReachedOn: day("2026-03-22"), defaultSince: day("2026-03-08"))
        let partlyPaid = [item("1", due: "2026-03-01", open: 5000, total: 10000)]
        let s = step(evaluate(partlyPaid, state, "2026-04-05"))
        #expect(s?.level == 3)
        #expect(s?.overdue.map(\.open) == [5000])
        #expect(s?.definition.actions.contains(.restrict) == true)
    }

    func claim(
        _ id: String, due: String, open: Int64, defaultSince: String? = nil, interestThrough: String? = nil
    ) -> OpenItem {
        var i = item(id, due: due, open: open)
        i.defaultSince = defaultSince.map(day)
        i.interestThrough = interestThrough.map(day)
        return i
    }

    func part(_ part: ClaimPart, _ id: String, of claim: String, due: String, open: Int64) -> OpenItem {
        OpenItem(
            id: id, number: "GB-\(id)", customerID: "cus_a", issueDate: day(due), dueDate: day(due), total: open,
            open: open, currency: "EUR", part: part, claimID: claim)
    }

    @Test func firstMahnungChargesItsFeeInterestSinceDefaultAndTheB2BFlatFeeOnce() {
        // The reminder of 03-08 demanded the item: in default from then (§ 286 (1) BGB).
        let items = [claim("1", due: "2026-03-01", open: 10000, defaultSince: "2026-03-08")]
        let state = DunningCase(level: 1, levelReachedOn: day("2026-03-08"), defaultSince: day("2026-03-08"))
        let s = step(evaluate(items, state, "2026-03-22"))!
        #expect(s.level == 2)
        #expect(s.fee == 500)
        // 14 days (03-09 … 03-22) at 10.27 % on 100.00: 39.39 cents.
        #expect(s.interest == 39)
        #expect(
            s.interestByItem == [
                ClaimInterest(itemID: "1", from: day("2026-03-09"), through: day("2026-03-22"), base: 10000, amount: 39)
            ])
        #expect(s.flatFee == 4000)
        // The next level charges only the days since (03-23 … 04-05), and no second flat fee.
        let charged = [
            claim("1", due: "2026-03-01", open: 10000, defaultSince: "2026-03-08", interestThrough: "2026-03-22")
        ]
        let s3 = step(evaluate(charged, s.next, "2026-04-05"))!
        #expect(s3.flatFee == 0)
        #expect(s3.interest == 39)
        #expect(s3.interestByItem.first?.from == day("2026-03-23"))
        let consumer = step(evaluate(items, state, "2026-03-22", consumer: true))!
        #expect(consumer.flatFee == 0)
        #expect(consumer.interest == 24)
    }

    @Test func noInterestIsChargedOnInterestOrFees() {
        // § 289 BGB: the base is the principal still open, never interest or fees charged before.
        let items = [
            claim("1", due: "2026-03-01", open: 10000, defaultSince: "2026-03-08", interestThrough: "2026-03-22"),
            part(.interest, "i1", of: "1", due: "2026-03-22", open: 39),
            part(.costs, "f1", of: "1", due: "2026-03-22", open: 4500),
        ]
        let state = DunningCase(level: 2, levelReachedOn: day("2026-03-22"), defaultSince: day("2026-03-08"))
        let s = step(evaluate(items, state, "2026-04-05"))!
        #expect(s.level == 3)
        #expect(s.interestByItem.map(\.itemID) == ["1"])
        #expect(s.interestByItem.map(\.base) == [10000])
        #expect(s.interest == 39)
        // The notice still demands the fee and interest items: they are open items.
        #expect(Set(s.overdue.map(\.id)) == ["1", "i1", "f1"])
    }

    @Test func eachClaimAccruesFromItsOwnDefault() {
        // Consumer: in default only by notice. Item 2 fell due (03-15) after the reminder (03-08):
        // the 1st Mahnung of 03-22 is the first notice that demands it, so it accrues nothing yet.
        let items = [
            claim("1", due: "2026-03-01", open: 10000, defaultSince: "2026-03-08"),
            claim("2", due: "2026-03-15", open: 20000),
        ]
        let state = DunningCase(level: 1, levelReachedOn: day("2026-03-08"), defaultSince: day("2026-03-08"))
        let s = step(evaluate(items, state, "2026-03-22", consumer: true))!
        #expect(s.interestByItem.map(\.itemID) == ["1"])
        #expect(s.interest == 24)
        #expect(s.defaults == ["1": day("2026-03-08"), "2": day("2026-03-22")])
        // At the next notice item 2 accrues from the day after its own default: 03-23 … 04-05,
        // 14 days at 6.27 % on 200.00 = 48.09 cents; item 1 the same 14 days on 100.00 = 24.05.
        let later = [
            claim("1", due: "2026-03-01", open: 10000, defaultSince: "2026-03-08", interestThrough: "2026-03-22"),
            claim("2", due: "2026-03-15", open: 20000, defaultSince: "2026-03-22"),
        ]
        let s3 = step(evaluate(later, s.next, "2026-04-05", consumer: true))!
        #expect(s3.interestByItem.map(\.amount) == [24, 48])
        #expect(s3.interestByItem.map(\.from) == [day("2026-03-23"), day("2026-03-23")])
    }

    @Test func aBusinessClaimIsInDefaultThirtyDaysAfterItsDueDateWithoutANotice() {
        let due = claim("1", due: "2026-03-01", open: 10000)
        // § 286 (3) BGB: 30 days after due date (and receipt) at the latest …
        #expect(DefaultRule.defaultDate(of: due, demandedOn: nil, consumer: false) == day("2026-03-31"))
        #expect(DefaultRule.defaultDate(of: due, demandedOn: day("2026-04-15"), consumer: false) == day("2026-03-31"))
        // … or earlier by a notice that demands it.
        #expect(DefaultRule.defaultDate(of: due, demandedOn: day("2026-03-20"), consumer: false) == day("2026-03-20"))
        // A consumer only by notice (Kontor's invoices carry no § 286 (3) consumer notice).
        #expect(DefaultRule.defaultDate(of: due, demandedOn: nil, consumer: true) == nil)
        // Once in default, a claim stays so from that day.
        let inDefault = claim("1", due: "2026-03-01", open: 10000, defaultSince: "2026-03-08")
        #expect(
            DefaultRule.defaultDate(of: inDefault, demandedOn: day("2026-03-22"), consumer: true) == day("2026-03-08"))
    }

    @Test func theLastLevelIsFinal() {
        let items = [item("1", due: "2026-01-01", open: 10000)]
        #expect(evaluate(items, DunningCase(level: 5, levelReachedOn: day("2026-03-05")), "2026-12-01") == .wait)
    }

    @Test func policiesMustEscalateInOrderAndEndWithHandOverOrWriteOff() {
        var p = DunningPolicy.germanDefault
        #expect(p.validate().isEmpty)
        p.levels[1].afterDays = 5
        p.levels[0].actions = [.handOver]
        #expect(Set(p.validate().map(\.field)) == ["levels[1].after_days", "levels[0].actions"])
    }
}
