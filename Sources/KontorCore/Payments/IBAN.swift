/// An International Bank Account Number (ISO 13616), validated by country length and the
/// mod-97 check digits. Stored and shown in electronic form (no spaces, upper case).
public struct IBAN: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public var countryCode: String { String(value.prefix(2)) }
    public var last4: String { String(value.suffix(4)) }
    public var description: String { value }

    public init(_ text: String) throws(ValidationError) {
        let compact = String(text.filter { $0 != " " }).uppercased()
        guard compact.count >= 15, compact.count <= 34,
            compact.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) })
        else { throw ValidationError(field: "iban", message: "must be 15 to 34 letters and digits") }
        let country = String(compact.prefix(2))
        guard let length = Self.lengths[country] else {
            throw ValidationError(field: "iban", message: "has an unknown country code \(country)")
        }
        guard compact.count == length else {
            throw ValidationError(field: "iban", message: "must have \(length) characters for \(country)")
        }
        guard Self.mod97(compact.dropFirst(4) + compact.prefix(4)) == 1 else {
            throw ValidationError(field: "iban", message: "has wrong check digits")
        }
        self.value = compact
    }

    /// The remainder of the number formed by replacing letters with 10…35, digit by digit.
    /// `text` is upper-case ASCII letters and digits (checked by the caller).
    static func mod97(_ text: some StringProtocol) -> Int {
        var remainder = 0
        for byte in text.utf8 {
            if byte >= UInt8(ascii: "A") {
                remainder = (remainder * 100 + Int(byte - UInt8(ascii: "A")) + 10) % 97
            } else {
                remainder = (remainder * 10 + Int(byte - UInt8(ascii: "0"))) % 97
            }
        }
        return remainder
    }

    /// IBAN lengths of SEPA and other registered countries (SWIFT IBAN registry).
    static let lengths: [String: Int] = [
        "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
        "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
        "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
        "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
        "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19,
        "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29,
        "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28,
        "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
    ]
}
