import Foundation
import KontorCore

/// Numbers as the e-invoice syntaxes write them: a point, no grouping, no exponent.
enum DecimalText {
    /// `931` EUR → `9.31`; `-50` → `-0.50`; JPY `931` → `931`.
    static func amount(_ minor: Int64, _ currency: Currency) -> String {
        fixed(minor, decimals: currency.minorUnits)
    }

    /// A price with 4 more decimals than the currency, trailing zeros trimmed down to the
    /// currency's decimals.
    static func price(_ scaled: Int64, _ currency: Currency) -> String {
        trimmed(fixed(scaled, decimals: currency.minorUnits + 4), keep: currency.minorUnits)
    }

    /// Thousandths → `1`, `1.5`, `-2`.
    static func quantity(_ milli: Int64) -> String { trimmed(fixed(milli, decimals: 3), keep: 0) }

    /// Basis points → `19`, `7`, `5.5`.
    static func percent(_ basisPoints: Int) -> String { trimmed(fixed(Int64(basisPoints), decimals: 2), keep: 0) }

    static func fixed(_ value: Int64, decimals: Int) -> String {
        let negative = value < 0
        let magnitude = value.magnitude
        guard decimals > 0 else { return (negative ? "-" : "") + String(magnitude) }
        var digits = String(magnitude)
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -decimals)
        return (negative ? "-" : "") + digits[..<split] + "." + digits[split...]
    }

    static func trimmed(_ text: String, keep: Int) -> String {
        guard let point = text.firstIndex(of: ".") else { return text }
        var result = text
        while result.last == "0", result.distance(from: point, to: result.endIndex) - 1 > keep { result.removeLast() }
        if result.last == "." { result.removeLast() }
        return result
    }
}

extension LocalDate {
    /// `20270315` (format 102).
    var compact: String { description.replacingOccurrences(of: "-", with: "") }
}
