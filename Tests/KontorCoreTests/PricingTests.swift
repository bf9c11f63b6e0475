import KontorCore
import Testing

@Suite struct PricingTests {
    let eur = Currency(code: "EUR")!

    func tiered(_ mode: TiersMode) -> Charge {
        Charge(
            code: "seats", name: "Seats", type: .tiered, tiersMode: mode,
            tiers: [
                Tier(upTo: 10, unitAmount: ["EUR": 1500]),
                Tier(upTo: 50, unitAmount: ["EUR": 1200], flatAmount: ["EUR": 1000]),
                Tier(upTo: nil, unitAmount: ["EUR": 900]),
            ]
        )
    }

    @Test func graduatedTiersPriceEachUnitInItsOwnTier() throws {
        // 10 × 15.00 + (40 × 12.00 + 10.00 flat) + 5 × 9.00
        #expect(try tiered(.graduated).amount(quantity: 55, currency: eur) == 15_000 + 48_000 + 1_000 + 4_500)
        #expect(try tiered(.graduated).amount(quantity: 10, currency: eur) == 15_000)
        #expect(try tiered(.graduated).amount(quantity: 11, currency: eur) == 15_000 + 1_200 + 1_000)
    }

    @Test func volumeTiersPriceAllUnitsAtTheReachedTier() throws {
        #expect(try tiered(.volume).amount(quantity: 10, currency: eur) == 15_000)
        #expect(try tiered(.volume).amount(quantity: 11, currency: eur) == 11 * 1_200 + 1_000)
        #expect(try tiered(.volume).amount(quantity: 51, currency: eur) == 51 * 900)
    }

    @Test func zeroUnitsCostNothingEvenWithAFlatTier() throws {
        #expect(try tiered(.volume).amount(quantity: 0, currency: eur) == 0)
        #expect(try tiered(.graduated).amount(quantity: 0, currency: eur) == 0)
    }

    @Test func perUnitMultipliesAndOverflowThrows() throws {
        let seats = Charge(code: "s", name: "S", type: .perUnit, unitAmount: ["EUR": 900])
        #expect(try seats.amount(quantity: 7, currency: eur) == 6_300)
        let huge = Charge(code: "s", name: "S", type: .perUnit, unitAmount: ["EUR": .max / 2])
        #expect(throws: MoneyError.overflow) { try huge.amount(quantity: 3, currency: eur) }
    }

    /// Stripe's documented example: 10 → 20 a month, changed exactly halfway: −5 + 10 = +5.
    @Test func upgradeHalfwayCreditsHalfTheOldAndChargesHalfTheNew() throws {
        func plan(_ amount: Int64) -> Plan {
            Plan(
                code: "p\(amount)", name: "P\(amount)", interval: .month, currencies: ["EUR"],
                charges: [Charge(code: "base", name: "Base", type: .flat, amount: ["EUR": amount])]
            )
        }
        let april = BillingPeriod(start: LocalDate("2026-04-01")!, end: LocalDate("2026-05-01")!)
        let period = ServicePeriod(period: april, isTrial: false, fullPeriod: april)
        let lines = try MidPeriodChange.prorationLines(
            period: period, on: LocalDate("2026-04-16")!, from: plan(1000), quantity: 1, to: plan(2000), quantity: 1,
            currency: eur
        )
        #expect(lines.map(\.amount) == [-500, 1000])
        #expect(lines.reduce(0) { $0 + $1.amount } == 500)
        #expect(lines.allSatisfy { $0.period?.description == "2026-04-16..<2026-05-01" })
    }

    @Test func prorationRoundsHalfUpOnce() throws {
        #expect(try Proration.prorate(1000, days: 1, of: 3) == 333)
        #expect(try Proration.prorate(1000, days: 2, of: 3) == 667)
        #expect(try Proration.prorate(-1000, days: 2, of: 3) == -667)
        #expect(try Proration.prorate(4900, days: 28, of: 28) == 4900)
    }

    @Test func cycleBillsSetupFeeAndAdvanceChargesAtTheStartAndUsageInArrears() throws {
        let plan = Plan(
            code: "scale", name: "Scale", interval: .month, currencies: ["EUR"],
            charges: [
                Charge(code: "base", name: "Base", type: .flat, amount: ["EUR": 4900]),
                Charge(code: "setup", name: "Setup", type: .setupFee, amount: ["EUR": 9900]),
                Charge(
                    code: "calls", name: "Calls", type: .metered, unitAmount: ["EUR": 2], metric: "calls",
                    aggregation: .sum
                ),
            ]
        )
        let start = LocalDate("2026-01-31")!
        let timeline = SubscriptionTimeline(
            start: start, trialEnd: nil, schedule: BillingSchedule(anchor: start, interval: BillingInterval(.month))
        )
        let first = try BillingCycle.run(
            .init(
                boundary: start, timeline: timeline, endingPeriod: nil, endingPlan: plan, usage: [:], plan: plan,
                quantity: 1, currency: eur, ends: false, paused: false
            )
        )
        #expect(first.lines.map(\.amount) == [9900, 4900])
        #expect(first.nextPeriod?.period.description == "2026-01-31..<2026-02-28")
        let second = try BillingCycle.run(
            .init(
                boundary: LocalDate("2026-02-28")!, timeline: timeline, endingPeriod: first.nextPeriod,
                endingPlan: plan, usage: ["calls": UsageTotals(sum: 150, max: 100, count: 2)], plan: plan, quantity: 1,
                currency: eur, ends: false, paused: false
            )
        )
        #expect(second.lines.map(\.amount) == [300, 4900])
        #expect(second.lines[0].period?.description == "2026-01-31..<2026-02-28")
        #expect(second.nextPeriod?.period.description == "2026-02-28..<2026-03-31")
    }
}
