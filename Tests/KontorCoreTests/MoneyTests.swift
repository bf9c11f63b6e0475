import KontorCore
import PropertyBased
import Testing

@Suite struct CurrencyTests {
    @Test func iso4217MinorUnitsJPY0EUR2KWD3() {
        #expect(Currency(code: "JPY")?.minorUnits == 0)
        #expect(Currency(code: "EUR")?.minorUnits == 2)
        #expect(Currency(code: "KWD")?.minorUnits == 3)
        #expect(Currency(code: "CLF")?.minorUnits == 4)
        #expect(Currency(code: "eur")?.code == "EUR")
    }

    @Test func unknownCurrencyCodesAreRefused() {
        #expect(Currency(code: "EUX") == nil)
        #expect(Currency(code: "EU") == nil)
        #expect(Currency(code: "") == nil)
        #expect(Currency(code: "DEM") == nil)  // withdrawn in 2002
    }
}

@Suite struct MoneyArithmeticTests {
    let eur = Currency.eur

    @Test func additionIsExactInMinorUnits() throws {
        let sum = try Money(minorUnits: 10, currency: eur).adding(Money(minorUnits: 20, currency: eur))
        #expect(sum == Money(minorUnits: 30, currency: eur))
    }

    @Test func mixingCurrenciesThrows() {
        #expect(throws: MoneyError.currencyMismatch("EUR", "USD")) {
            try Money(minorUnits: 1, currency: eur).adding(Money(minorUnits: 1, currency: .usd))
        }
    }

    @Test func overflowThrowsInsteadOfTrapping() {
        #expect(throws: MoneyError.overflow) {
            try Money(minorUnits: .max, currency: eur).adding(Money(minorUnits: 1, currency: eur))
        }
        #expect(throws: MoneyError.overflow) { try Money(minorUnits: .max / 2 + 1, currency: eur).multiplied(by: 2) }
    }

    @Test func descriptionUsesTheCurrencysMinorUnits() {
        #expect(Money(minorUnits: 1234, currency: eur).description == "12.34 EUR")
        #expect(Money(minorUnits: -5, currency: eur).description == "-0.05 EUR")
        #expect(Money(minorUnits: 500, currency: .jpy).description == "500 JPY")
        #expect(Money(minorUnits: 1500, currency: .kwd).description == "1.500 KWD")
    }

    @Test func decimalParsingRefusesMoreDigitsThanTheCurrencyHas() {
        #expect(Money(decimal: "12.34", currency: eur)?.minorUnits == 1234)
        #expect(Money(decimal: "12.3", currency: eur)?.minorUnits == 1230)
        #expect(Money(decimal: "-0.5", currency: eur)?.minorUnits == -50)
        #expect(Money(decimal: "1.005", currency: eur) == nil)
        #expect(Money(decimal: "1.5", currency: .jpy) == nil)
        #expect(Money(decimal: "1.500", currency: .kwd)?.minorUnits == 1500)
        #expect(Money(decimal: "1e3", currency: eur) == nil)
        #expect(Money(decimal: "12.", currency: eur) == nil)
    }

    /// Stripe's documented proration example: 10 → 20 per month exactly halfway
    /// is −5 (unused old) + 10 (rest of new) = +5.
    @Test func halfwayUpgradeProratesToFive() throws {
        let old = try Money(minorUnits: 1000, currency: eur).scaled(by: 15, over: 30, rounding: .halfUp)
        let new = try Money(minorUnits: 2000, currency: eur).scaled(by: 15, over: 30, rounding: .halfUp)
        #expect(try new.subtracting(old).minorUnits == 500)
    }

    @Test func vatAt19PercentRoundsHalfUpPerLine() throws {
        // 0.50 × 19 % = 0.095 → 0.10 (kaufmännisch), 0.09 with banker's rounding.
        let net = Money(minorUnits: 50, currency: eur)
        #expect(try net.scaled(by: 1900, over: 10_000, rounding: .halfUp).minorUnits == 10)
        #expect(try net.scaled(by: 1900, over: 10_000, rounding: .down).minorUnits == 9)
    }

    @Test func scalingUsesA128BitIntermediate() throws {
        // 9e16 × 1900 overflows Int64, the result does not.
        let big = Money(minorUnits: 90_000_000_000_000_000, currency: eur)
        #expect(try big.scaled(by: 1900, over: 10_000, rounding: .halfUp).minorUnits == 17_100_000_000_000_000)
    }
}

@Suite struct RoundingRuleTests {
    @Test(arguments: [
        (RoundingRule.halfUp, [3, 2, -3, -2, 4]),
        (.halfEven, [2, 2, -2, -2, 4]),
        (.down, [2, 2, -2, -2, 3]),
        (.up, [3, 3, -3, -3, 4]),
        (.floor, [2, 2, -3, -3, 3]),
        (.ceiling, [3, 3, -2, -2, 4]),
    ])
    func namedRulesRoundHalvesAndFractions(rule: RoundingRule, expected: [Int64]) {
        // 2.5, 2.2, -2.5, -2.2, 3.5
        let got = [
            rule.divide(25, by: 10), rule.divide(22, by: 10), rule.divide(-25, by: 10), rule.divide(-22, by: 10),
            rule.divide(35, by: 10),
        ]
        #expect(got == expected)
    }

    @Test func exactQuotientsAreNotRounded() {
        for rule in RoundingRule.allCases { #expect(rule.divide(30, by: 10) == 3) }
    }
}

@Suite struct AllocationTests {
    @Test func oneEuroOverThreePartsLosesNoCent() throws {
        let parts = try Money(minorUnits: 100, currency: .eur).split(into: 3)
        #expect(parts.map(\.minorUnits) == [34, 33, 33])
    }

    @Test func negativeAmountsAllocateAsTheMirrorImage() throws {
        let parts = try Money(minorUnits: -100, currency: .eur).split(into: 3)
        #expect(parts.map(\.minorUnits) == [-34, -33, -33])
    }

    @Test func largestRemaindersGetTheLeftoverCents() throws {
        // 10.00 by 1:1:1:7 → 1.00, 1.00, 1.00, 7.00; 0.05 by 3:7 → 0.015, 0.035 → 0.01, 0.04? remainders .5/.5 → first.
        #expect(
            try Money(minorUnits: 1000, currency: .eur).allocated(by: [1, 1, 1, 7]).map(\.minorUnits) == [
                100, 100, 100, 700,
            ])
        #expect(try Money(minorUnits: 5, currency: .eur).allocated(by: [3, 7]).map(\.minorUnits) == [2, 3])
    }

    @Test func zeroWeightsAreRefused() {
        #expect(throws: MoneyError.noWeights) { try Money(minorUnits: 5, currency: .eur).allocated(by: [0, 0]) }
        #expect(throws: MoneyError.noWeights) { try Money(minorUnits: 5, currency: .eur).allocated(by: []) }
    }

    @Test func allocationsAlwaysSumToTheAmount() async {
        await propertyCheck(
            count: 500,
            input: Gen.int(in: -10_000_000...10_000_000), Gen.int(in: 0...1000).array(of: 1...12)
        ) { amount, weights in
            guard weights.contains(where: { $0 > 0 }) else { return }
            let money = Money(minorUnits: Int64(amount), currency: .eur)
            let parts = try! money.allocated(by: weights.map(Int64.init))
            #expect(parts.reduce(0) { $0 + $1.minorUnits } == Int64(amount))
            #expect(parts.count == weights.count)
            // no part deviates from its exact share by a whole minor unit or more
            let total = weights.reduce(0, +)
            for (part, weight) in zip(parts, weights) {
                let exact = Double(amount) * Double(weight) / Double(total)
                #expect(abs(Double(part.minorUnits) - exact) < 1.0)
            }
        }
    }
}
