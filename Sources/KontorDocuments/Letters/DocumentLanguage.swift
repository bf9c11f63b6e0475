import Foundation
import KontorCore

/// The language a document is written in, from the customer's `locale`: German for `de…`
/// (and when none is set — Kontor's sellers write German first), English for everything else.
public enum DocumentLanguage: String, Sendable, Equatable, CaseIterable {
    case de
    case en

    public init(locale: String?) {
        guard let locale, !locale.isEmpty else {
            self = .de
            return
        }
        self = locale.lowercased().hasPrefix("de") ? .de : .en
    }

    /// BCP 47 for the PDF's `/Lang`.
    public var tag: String { self == .de ? "de-DE" : "en-GB" }

    /// `de` or `en` text.
    public func pick(_ de: String, _ en: String) -> String { self == .de ? de : en }

    /// `1.234,56 EUR` / `1,234.56 EUR`.
    public func money(_ minor: Int64, _ currency: Currency) -> String {
        number(minor, decimals: currency.minorUnits) + " " + currency.code
    }

    /// `19 %`, `5,5 %`.
    public func percent(_ basisPoints: Int) -> String {
        var text = DecimalText.percent(basisPoints)
        if self == .de { text = text.replacingOccurrences(of: ".", with: ",") }
        return text + " %"
    }

    /// Thousandths → `1`, `1,5`.
    public func quantity(_ milli: Int64) -> String {
        let text = DecimalText.quantity(milli)
        return self == .de ? text.replacingOccurrences(of: ".", with: ",") : text
    }

    /// `15.12.2026` / `15 Dec 2026`.
    public func date(_ d: LocalDate) -> String {
        if self == .de {
            return (d.day < 10 ? "0" : "") + "\(d.day)." + (d.month < 10 ? "0" : "") + "\(d.month).\(d.year)"
        }
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(d.day) \(months[d.month - 1]) \(d.year)"
    }

    /// A period as printed: its first and its last day (the end is exclusive).
    public func period(_ p: BillingPeriod) -> String {
        date(p.start) + " – " + date(p.end.adding(days: -1))
    }

    /// UN/ECE Rec 20 codes as a reader knows them.
    public func unit(_ code: String) -> String {
        switch code {
        case "MON": pick("Monat", "month")
        case "DAY": pick("Tag", "day")
        case "HUR": pick("Std.", "hour")
        case "ANN": pick("Jahr", "year")
        case "WEE": pick("Woche", "week")
        default: pick("Stk.", "pc.")
        }
    }

    /// Digits with grouping and the decimal mark of the language.
    func number(_ value: Int64, decimals: Int) -> String {
        let plain = DecimalText.fixed(value, decimals: decimals)
        let negative = plain.hasPrefix("-")
        let body = negative ? String(plain.dropFirst()) : plain
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        var whole = String(parts[0])
        let group = self == .de ? "." : ","
        var grouped = ""
        while whole.count > 3 {
            grouped = group + whole.suffix(3) + grouped
            whole.removeLast(3)
        }
        grouped = whole + grouped
        let fraction = parts.count > 1 ? (self == .de ? "," : ".") + parts[1] : ""
        return (negative ? "−" : "") + grouped + fraction
    }
}
