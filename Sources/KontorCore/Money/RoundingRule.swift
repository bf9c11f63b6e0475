/// How a quotient that falls between two minor units becomes one of them.
///
/// Each rule has the name the trade knows it by; code picks one explicitly wherever a division
/// happens (proration, tax, interest), so no amount is ever rounded "by accident".
public enum RoundingRule: String, Sendable, CaseIterable, Codable {
    /// Kaufmännisches Runden: halves away from zero (2.5 → 3, −2.5 → −3). German VAT practice.
    case halfUp = "half_up"
    /// Banker's rounding: halves to the even neighbour (2.5 → 2, 3.5 → 4).
    case halfEven = "half_even"
    /// Toward zero (truncation).
    case down
    /// Away from zero.
    case up
    /// Toward negative infinity.
    case floor
    /// Toward positive infinity.
    case ceiling

    /// Divides `numerator` by a positive `denominator` and rounds the quotient by this rule.
    ///
    /// Exact for every `Int64` quotient: the remainder decides, no floating point involved.
    public func divide(_ numerator: Int64, by denominator: Int64) -> Int64 {
        precondition(denominator > 0, "denominator must be positive")
        let (q, r) = numerator.quotientAndRemainder(dividingBy: denominator)
        return q + adjustment(quotient: q, remainder: r, denominator: denominator, negative: numerator < 0)
    }

    /// Rounds `value × multiplier / divisor` with a 128-bit intermediate product, so that
    /// `amount × rate` never overflows before the division. Returns `nil` if the result
    /// itself does not fit in `Int64`.
    public func multiplyDivide(_ value: Int64, by multiplier: Int64, dividedBy divisor: Int64) -> Int64? {
        precondition(divisor > 0, "divisor must be positive")
        let negative = (value < 0) != (multiplier < 0)
        let product = value.magnitude.multipliedFullWidth(by: multiplier.magnitude)
        guard product.high < divisor.magnitude else { return nil }
        let (q, r) = divisor.magnitude.dividingFullWidth(product)
        guard q <= UInt64(Int64.max) else { return nil }
        let signedQ = negative ? -Int64(q) : Int64(q)
        let signedR = negative ? -Int64(r) : Int64(r)
        return signedQ + adjustment(quotient: signedQ, remainder: signedR, denominator: divisor, negative: negative)
    }

    /// +1, −1 or 0 to apply to a truncated quotient, given the remainder (same sign as the
    /// dividend, as Swift's `%` gives it).
    private func adjustment(quotient: Int64, remainder: Int64, denominator: Int64, negative: Bool) -> Int64 {
        guard remainder != 0 else { return 0 }
        let awayFromZero: Int64 = negative ? -1 : 1
        let twice = remainder.magnitude * 2
        switch self {
        case .down:
            return 0
        case .up:
            return awayFromZero
        case .floor:
            return negative ? -1 : 0
        case .ceiling:
            return negative ? 0 : 1
        case .halfUp:
            return twice >= denominator.magnitude ? awayFromZero : 0
        case .halfEven:
            if twice > denominator.magnitude { return awayFromZero }
            if twice < denominator.magnitude { return 0 }
            return quotient.isMultiple(of: 2) ? 0 : awayFromZero
        }
    }
}
