/// An EU VAT identification number (USt-IdNr.), checked for its member state's format and
/// check digits.
///
/// The prefix is the VAT prefix, not the ISO country: Greece is `EL`, Northern Ireland (which
/// stays in the EU VAT area for goods) is `XI`. `GB` numbers are not EU VAT IDs since 2021.
/// Whether a number is *registered* can only be asked of VIES; this type answers whether it
/// can exist.
public struct VATID: Hashable, Sendable, CustomStringConvertible {
    /// Two-letter VAT prefix (`DE`, `EL`, `XI`, ...).
    public let prefix: String
    /// The national part, without separators.
    public let body: String

    public var description: String { prefix + body }

    /// The ISO 3166-1 country of the prefix (`EL` → `GR`, `XI` → `GB`).
    public var country: String {
        switch prefix {
        case "EL": "GR"
        case "XI": "GB"
        default: prefix
        }
    }

    /// Parses and checks `text`; spaces, dots, dashes and slashes are ignored.
    public init(_ text: String) throws(VATIDError) {
        let compact = String(text.uppercased().filter { !" .-/".contains($0) })
        guard compact.count > 2 else { throw .malformed }
        let prefix = String(compact.prefix(2))
        let body = String(compact.dropFirst(2))
        guard let check = VATIDRules.byPrefix[prefix] else { throw .unknownPrefix(prefix) }
        guard body.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter || $0 == "+" || $0 == "*") }) else {
            throw .malformed
        }
        guard check(Array(body.utf8)) else { throw .invalidCheckDigits(prefix) }
        self.prefix = prefix
        self.body = body
    }

    public static let prefixes: Set<String> = Set(VATIDRules.byPrefix.keys)
}

public enum VATIDError: Error, Equatable, Sendable {
    case malformed
    case unknownPrefix(String)
    case invalidCheckDigits(String)

    public var message: String {
        switch self {
        case .malformed: "is not a VAT ID (two-letter prefix and national number expected)"
        case .unknownPrefix(let prefix): "prefix \(prefix) is not an EU VAT prefix (Greece is EL, Northern Ireland XI)"
        case .invalidCheckDigits(let prefix): "does not have the format or check digits of a \(prefix) VAT ID"
        }
    }
}
