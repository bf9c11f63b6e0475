/// A Leitweg-ID: how a German public buyer routes e-invoices (KoSIT, version 2.0). A coarse
/// address of 2 to 12 digits, an optional fine address of up to 30 letters and digits, and two
/// check digits — ISO 7064 mod 97-10 over the whole id without hyphens, letters as 10–35 (as
/// in an IBAN). `991-33333TEST-33` is the published test id.
public struct LeitwegID: Hashable, Sendable, CustomStringConvertible {
    public let value: String
    public var description: String { value }

    public init?(_ text: String) {
        let id = text.uppercased()
        let parts = id.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3,
            (2...12).contains(parts[0].count), parts[0].allSatisfy({ $0.isASCII && $0.isNumber }),
            let check = parts.last, check.count == 2, check.allSatisfy({ $0.isASCII && $0.isNumber })
        else { return nil }
        if parts.count == 3 {
            let fine = parts[1]
            guard (1...30).contains(fine.count), fine.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLetter) })
            else { return nil }
        }
        guard IBAN.mod97(parts.joined()) == 1 else { return nil }
        value = id
    }
}
