/// VAT rates of the EU member states (and Northern Ireland, `XI`) in hundredths of a percent
/// (1900 = 19 %, 2550 = 25.5 %), as data. Source: the European Commission's "VAT rates
/// applied in the Member States" and national announcements, as in force on 2026-01-01
/// (check against the Commission's TEDB before relying on a figure; rates change).
public enum VATRates {
    public struct Rates: Hashable, Sendable {
        public let standard: Int
        /// The main reduced rate (books, food, accommodation — which goods qualify is national law).
        public let reduced: Int
    }

    public static let byCountry: [String: Rates] = [
        "AT": Rates(standard: 2000, reduced: 1000),
        "BE": Rates(standard: 2100, reduced: 600),
        "BG": Rates(standard: 2000, reduced: 900),
        "CY": Rates(standard: 1900, reduced: 500),
        "CZ": Rates(standard: 2100, reduced: 1200),
        "DE": Rates(standard: 1900, reduced: 700),
        "DK": Rates(standard: 2500, reduced: 2500),  // Denmark has no reduced rate.
        "EE": Rates(standard: 2400, reduced: 900),  // 24 % since 2025-07-01.
        "ES": Rates(standard: 2100, reduced: 1000),
        "FI": Rates(standard: 2550, reduced: 1350),  // 25.5 % since 2024-09-01; 13.5 % since 2026-01-01.
        "FR": Rates(standard: 2000, reduced: 1000),
        "GR": Rates(standard: 2400, reduced: 1300),
        "HR": Rates(standard: 2500, reduced: 1300),
        "HU": Rates(standard: 2700, reduced: 500),
        "IE": Rates(standard: 2300, reduced: 1350),
        "IT": Rates(standard: 2200, reduced: 1000),
        "LT": Rates(standard: 2100, reduced: 900),
        "LU": Rates(standard: 1700, reduced: 800),
        "LV": Rates(standard: 2100, reduced: 1200),
        "MT": Rates(standard: 1800, reduced: 700),
        "NL": Rates(standard: 2100, reduced: 900),
        "PL": Rates(standard: 2300, reduced: 800),
        "PT": Rates(standard: 2300, reduced: 1300),
        "RO": Rates(standard: 2100, reduced: 1100),  // 21 % / 11 % since 2025-08-01.
        "SE": Rates(standard: 2500, reduced: 1200),
        "SI": Rates(standard: 2200, reduced: 950),
        "SK": Rates(standard: 2300, reduced: 1900),  // 23 % since 2025-01-01.
        "XI": Rates(standard: 2000, reduced: 500),
    ]

    public static func rate(country: String, category: TaxCategory) -> Int? {
        guard let rates = byCountry[country] else { return nil }
        return category == .standard ? rates.standard : rates.reduced
    }

    /// `1900` → `"19"`, `2550` → `"25.5"`, `950` → `"9.5"`.
    public static func percentText(_ rate: Int) -> String {
        let whole = rate / 100
        let fraction = rate % 100
        if fraction == 0 { return "\(whole)" }
        return fraction % 10 == 0 ? "\(whole).\(fraction / 10)" : "\(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
