import Foundation

/// BG-5 / BG-8: a postal address as EN 16931 splits it. Kontor keeps a party's address as the
/// lines printed on the invoice (`Musterstraße 1\n10115 Berlin\nDE`); `init(lines:country:)`
/// reads them back: the line that starts with a postcode gives postcode and city, a last line
/// that is only the country code is dropped, the rest are street lines.
public struct PostalAddress: Sendable, Equatable {
    public var lines: [String]
    public var postcode: String?
    public var city: String?
    /// ISO 3166-1 alpha-2 (BT-40 / BT-55).
    public var country: String

    public init(lines: [String], postcode: String?, city: String?, country: String) {
        self.lines = lines
        self.postcode = postcode
        self.city = city
        self.country = country
    }

    public init(text: String?, country: String) {
        var rows = (text ?? "").split(whereSeparator: \.isNewline).map {
            $0.trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
        if let last = rows.last, last.uppercased() == country.uppercased() || Self.isCountryName(last) {
            rows.removeLast()
        }
        var postcode: String?
        var city: String?
        if let index = rows.lastIndex(where: { Self.postcodeAndCity($0) != nil }) {
            (postcode, city) = Self.postcodeAndCity(rows[index])!
            rows.remove(at: index)
        } else if rows.count > 1 {
            city = rows.removeLast()
        }
        self.init(lines: rows, postcode: postcode, city: city, country: country.uppercased())
    }

    /// `10115 Berlin`, `1010 Wien`, `75001 Paris`, `D-10115 Berlin`: digits (optionally with a
    /// country prefix), a space, the city.
    static func postcodeAndCity(_ line: String) -> (String, String)? {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { return nil }
        var code = Substring(parts[0])
        if let dash = code.firstIndex(of: "-"), code[..<dash].allSatisfy(\.isLetter) {
            code = code[code.index(after: dash)...]
        }
        guard (3...10).contains(code.count), code.allSatisfy({ $0.isNumber || $0.isUppercase || $0 == "-" }),
            code.contains(where: \.isNumber)
        else { return nil }
        return (String(code), parts[1])
    }

    static func isCountryName(_ line: String) -> Bool {
        ["deutschland", "germany", "österreich", "austria", "schweiz", "switzerland", "france", "frankreich"]
            .contains(line.lowercased())
    }
}
