/// An amount of money: integer minor units of one ISO 4217 currency.
///
/// Invariant: there is no floating point anywhere in `Money`. Every operation is exact or
/// names its `RoundingRule`, and every operation that could overflow `Int64` or mix
/// currencies throws `MoneyError` instead of trapping.
public struct Money: Hashable, Sendable, CustomStringConvertible {
    /// The amount in minor units (cents for EUR, yen for JPY, fils for KWD).
    public let minorUnits: Int64
    public let currency: Currency

    public init(minorUnits: Int64, currency: Currency) {
        self.minorUnits = minorUnits
        self.currency = currency
    }

    public static func zero(_ currency: Currency) -> Money { Money(minorUnits: 0, currency: currency) }

    public var isZero: Bool { minorUnits == 0 }
    public var isNegative: Bool { minorUnits < 0 }

    /// `"12.34 EUR"`, `"500 JPY"`, `"-1.500 KWD"` — for logs and notices, not for parsing.
    public var description: String { "\(decimalText) \(currency.code)" }

    /// The amount in major units with the currency's decimals and a point: `"12.34"`, `"500"`.
    public var decimalText: String {
        guard currency.minorUnits > 0 else { return "\(minorUnits)" }
        let factor = currency.minorUnitsPerMajor
        let major = minorUnits.magnitude / UInt64(factor)
        let minor = String(minorUnits.magnitude % UInt64(factor))
        let padded = String(repeating: "0", count: currency.minorUnits - minor.count) + minor
        return "\(minorUnits < 0 ? "-" : "")\(major).\(padded)"
    }

    public func adding(_ other: Money) throws(MoneyError) -> Money {
        try requireSameCurrency(other)
        let (sum, overflow) = minorUnits.addingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: sum, currency: currency)
    }

    public func subtracting(_ other: Money) throws(MoneyError) -> Money {
        try requireSameCurrency(other)
        let (difference, overflow) = minorUnits.subtractingReportingOverflow(other.minorUnits)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: difference, currency: currency)
    }

    /// Exact multiplication by a whole quantity (seats, units).
    public func multiplied(by quantity: Int64) throws(MoneyError) -> Money {
        let (product, overflow) = minorUnits.multipliedReportingOverflow(by: quantity)
        guard !overflow else { throw .overflow }
        return Money(minorUnits: product, currency: currency)
    }

    /// `self × numerator / denominator`, rounded once by `rule` — proration (days used / days in
    /// period), tax (rate / 10 000) and interest all go through here.
    public func scaled(by numerator: Int64, over denominator: Int64, rounding rule: RoundingRule) throws(MoneyError)
        -> Money
    {
        guard denominator > 0 else { throw .invalidRatio }
        guard let result = rule.multiplyDivide(minorUnits, by: numerator, dividedBy: denominator) else {
            throw .overflow
        }
        return Money(minorUnits: result, currency: currency)
    }

    public func negated() throws(MoneyError) -> Money {
        guard minorUnits != .min else { throw .overflow }
        return Money(minorUnits: -minorUnits, currency: currency)
    }

    /// Sums amounts of one currency; `nil` currency for an empty list is not allowed, so the
    /// caller names it.
    public static func sum(_ amounts: some Sequence<Money>, currency: Currency) throws(MoneyError) -> Money {
        var total = Money.zero(currency)
        for amount in amounts { total = try total.adding(amount) }
        return total
    }

    private func requireSameCurrency(_ other: Money) throws(MoneyError) {
        guard other.currency == currency else {
            throw .currencyMismatch(currency.code, other.currency.code)
        }
    }
}

extension Money: Comparable {
    /// Orders amounts of the same currency. Comparing different currencies is a programming
    /// error, so it traps rather than inventing an exchange rate.
    public static func < (lhs: Money, rhs: Money) -> Bool {
        precondition(lhs.currency == rhs.currency, "cannot compare \(lhs.currency) with \(rhs.currency)")
        return lhs.minorUnits < rhs.minorUnits
    }
}

public enum MoneyError: Error, Equatable, Sendable {
    case currencyMismatch(String, String)
    case overflow
    case invalidRatio
    case noWeights
}
