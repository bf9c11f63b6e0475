extension Money {
    /// Parses a decimal string in major units ("12.34", "-0.5", "500") for the currency,
    /// refusing more fraction digits than the currency has — "1.005 EUR" is an error, never a
    /// silent rounding.
    public init?(decimal text: String, currency: Currency) {
        var body = Substring(text)
        var negative = false
        if body.first == "-" {
            negative = true
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), let whole = parts.first, !whole.isEmpty,
            whole.allSatisfy(\.isASCII), whole.allSatisfy(\.isNumber)
        else { return nil }
        let fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= currency.minorUnits, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
            parts.count == 1 || !fraction.isEmpty
        else { return nil }
        let padded = fraction + String(repeating: "0", count: currency.minorUnits - fraction.count)
        guard let major = Int64(whole), let minor = Int64(padded.isEmpty ? "0" : padded) else { return nil }
        let (scaled, overflow1) = major.multipliedReportingOverflow(by: currency.minorUnitsPerMajor)
        let (total, overflow2) = scaled.addingReportingOverflow(minor)
        guard !overflow1, !overflow2 else { return nil }
        self.init(minorUnits: negative ? -total : total, currency: currency)
    }
}
