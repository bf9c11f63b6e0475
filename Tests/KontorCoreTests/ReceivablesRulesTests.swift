import KontorCore
import Testing

func day(_ s: String) -> LocalDate { LocalDate(s)! }

func item(_ id: String, due: String, open: Int64, customer: String = "cus_a", total: Int64? = nil) -> OpenItem {
    OpenItem(
        id: id, number: "2026-\(id)", customerID: customer, issueDate: day(due).adding(days: -14), dueDate: day(due),
        total: total ?? open, open: open, currency: "EUR")
}

@Suite struct ReceivablesRulesTests {
    @Test func aPaymentPaysCostsThenInterestThenPrincipalWithinAClaimAndTheOldestClaimFirst() {
        // § 367 (1) BGB within a claim, § 366 (2) across claims.
        func part(_ p: ClaimPart, _ id: String, of claim: String, due: String, open: Int64) -> OpenItem {
            OpenItem(
                id: id, number: "GB-\(id)", customerID: "cus_a", issueDate: day(due), dueDate: day(due), total: open,
                open: open, currency: "EUR", part: p, claimID: claim)
        }
        let items = [
            item("B", due: "2026-02-01", open: 5000),
            part(.interest, "iA", of: "A", due: "2026-03-01", open: 40),
            item("A", due: "2026-01-01", open: 10000),
            part(.costs, "fA", of: "A", due: "2026-03-01", open: 500),
        ]
        let small = AllocationPlan.oldestDueFirst(700, over: items)
        #expect(
            small.shares == [
                .init(itemID: "fA", amount: 500, part: .costs), .init(itemID: "iA", amount: 40, part: .interest),
                .init(itemID: "A", amount: 160, part: .principal),
            ])
        let large = AllocationPlan.oldestDueFirst(11000, over: items)
        #expect(large.shares.map(\.itemID) == ["fA", "iA", "A", "B"])
        #expect(large.shares.map(\.amount) == [500, 40, 10000, 460])
        #expect(large.surplus == 0)
        // A claim whose principal is settled still comes in the order of its costs' due dates.
        let rest = AllocationPlan.oldestDueFirst(5600, over: [items[0], items[1], items[3]])
        #expect(rest.shares.map(\.itemID) == ["B", "fA", "iA"])
        #expect(rest.surplus == 60)
    }

    @Test func paymentWithoutAllocationPaysTheOldestDueItemFirstAndSurplusBecomesCredit() {
        let items = [item("2", due: "2026-03-01", open: 5000), item("1", due: "2026-02-01", open: 3000)]
        let plan = AllocationPlan.oldestDueFirst(9000, over: items)
        #expect(plan.shares == [.init(itemID: "1", amount: 3000), .init(itemID: "2", amount: 5000)])
        #expect(plan.surplus == 1000)
    }

    @Test func partialPaymentLeavesTheRestOfTheOldestItemOpen() {
        let plan = AllocationPlan.oldestDueFirst(
            2000, over: [item("1", due: "2026-02-01", open: 3000), item("2", due: "2026-03-01", open: 5000)])
        #expect(plan.shares == [.init(itemID: "1", amount: 2000)])
        #expect(plan.surplus == 0)
    }

    @Test func explicitAllocationAboveTheOpenAmountNamesTheField() throws {
        let items = [item("1", due: "2026-02-01", open: 3000)]
        let result = AllocationPlan.explicit(5000, shares: [("1", 3500)], items: items)
        guard case .failure(let error) = result else { Issue.record("accepted"); return }
        #expect(error.errors.map(\.field) == ["allocations[0].amount"])
        let unknown = AllocationPlan.explicit(5000, shares: [("9", 100)], items: items)
        guard case .failure(let e2) = unknown else { Issue.record("accepted"); return }
        #expect(e2.errors.map(\.field) == ["allocations[0].invoice"])
        let tooMuch = AllocationPlan.explicit(1000, shares: [("1", 2000)], items: items)
        guard case .failure(let e3) = tooMuch else { Issue.record("accepted"); return }
        #expect(e3.errors.map(\.field) == ["allocations"])
        let ok = try AllocationPlan.explicit(5000, shares: [("1", 3000)], items: items).get()
        #expect(ok.surplus == 2000)
    }

    @Test func agingBucketsAreByDaysPastDueWithTheDueDayCurrent() {
        let expected: [(Int, AgingBucket)] = [
            (-5, .current), (0, .current), (1, .days1To30), (30, .days1To30), (31, .days31To60), (60, .days31To60),
            (61, .days61To90), (90, .days61To90), (91, .over90),
        ]
        for (days, bucket) in expected { #expect(AgingBucket(daysPastDue: days) == bucket, "\(days)") }
        let totals = AgingTotals(
            [item("1", due: "2026-01-01", open: 100), item("2", due: "2026-03-31", open: 50, total: 900)],
            asOf: day("2026-03-31"))
        #expect(totals[.days61To90] == 100)
        #expect(totals[.current] == 50)
        #expect(totals.total == 150)
    }

    @Test func dsoIsReceivablesOverRevenueTimesDaysInThePeriod() {
        let dso = DaysSalesOutstanding(
            receivables: 50000, revenue: 100_000, from: day("2026-01-01"), to: day("2026-03-31"))
        #expect(dso.days == 90)
        #expect(dso.formatted == "45.00")
        #expect(
            DaysSalesOutstanding(receivables: 1, revenue: 0, from: day("2026-01-01"), to: day("2026-01-31")).formatted
                == nil)
        let third = DaysSalesOutstanding(receivables: 1, revenue: 3, from: day("2026-01-01"), to: day("2026-01-01"))
        #expect(third.formatted == "0.33")
    }

    @Test func writeOffCorrectsTheVATShareOfTheOpenAmount() {
        #expect(WriteOffSplit(open: 11900, invoiceTotal: 11900, invoiceTax: 1900) == .init(net: 10000, tax: 1900))
        #expect(WriteOffSplit(open: 5950, invoiceTotal: 11900, invoiceTax: 1900) == .init(net: 5000, tax: 950))
        #expect(WriteOffSplit(open: 1, invoiceTotal: 11900, invoiceTax: 1900).tax == 0)
        #expect(WriteOffSplit(open: 4000, invoiceTotal: 4000, invoiceTax: 0) == .init(net: 4000, tax: 0))
        let postings = LedgerRules.writeOff(WriteOffSplit(open: 5950, invoiceTotal: 11900, invoiceTax: 1900))
        #expect(postings.reduce(0) { $0 + $1.amount } == 0)
    }

    @Test func moneyReceivedAndReturnedBalanceAndMirrorEachOther() {
        let received = LedgerRules.moneyReceived(allocated: 8000, surplus: 1000, into: .bank)
        let returned = LedgerRules.moneyReturned(allocated: 8000, surplus: 1000, from: .bank)
        #expect(received.reduce(0) { $0 + $1.amount } == 0)
        #expect(received.map(\.amount) == returned.map { -$0.amount })
        #expect(received.first { $0.account == .customerCredit }?.amount == -1000)
    }

    @Test func aPlanIsKeptWhileEveryInstalmentDueBeforeTodayIsPaid() {
        let plan = PaymentPlan(
            id: "pp_1", customerID: "cus_1", invoiceIDs: ["inv_1"],
            instalments: [
                .init(dueDate: day("2026-04-01"), amount: 5000), .init(dueDate: day("2026-05-01"), amount: 5000),
            ], startDate: day("2026-03-15"))
        // Due today may still be paid today.
        #expect(plan.dueBefore(day("2026-04-01")) == 0)
        #expect(plan.status(paid: 0, itemsOpen: true, on: day("2026-04-01")) == .active)
        #expect(plan.status(paid: 0, itemsOpen: true, on: day("2026-04-02")) == .inArrears)
        #expect(plan.status(paid: 5000, itemsOpen: true, on: day("2026-04-02")) == .active)
        #expect(plan.status(paid: 5000, itemsOpen: true, on: day("2026-05-02")) == .inArrears)
        // Catching up keeps it again; nothing open completes it, whatever the schedule says.
        #expect(plan.status(paid: 10000, itemsOpen: true, on: day("2026-05-02")) == .active)
        #expect(plan.status(paid: 0, itemsOpen: false, on: day("2026-05-02")) == .completed)
    }
}

extension WriteOffSplit {
    init(net: Int64, tax: Int64) { self.init(open: net + tax, invoiceTotal: net + tax, invoiceTax: tax) }
}
