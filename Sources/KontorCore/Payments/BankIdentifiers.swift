/// A BIC (ISO 9362): 4 letters bank, 2 letters country, 2 letters or digits location, and an
/// optional 3-character branch.
public enum BIC {
    public static func isValid(_ text: String) -> Bool {
        let b = Array(text.utf8)
        guard b.count == 8 || b.count == 11 else { return false }
        let upper = { (c: UInt8) in c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") }
        let digit = { (c: UInt8) in c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
        return b[0..<6].allSatisfy(upper) && b[6...].allSatisfy { upper($0) || digit($0) }
    }
}

/// A SEPA creditor identifier (Gläubiger-Identifikationsnummer, EPC262-08): country, two check
/// digits, a 3-character business code the check ignores, and the national identifier; the
/// check digits are ISO 7064 mod 97-10 over the national identifier followed by the country
/// and `00`, as for an IBAN. `DE98ZZZ09999999999` is the Bundesbank's example.
public enum SEPACreditorID {
    public static func isValid(_ text: String) -> Bool {
        let id = text.uppercased()
        guard (8...35).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }),
            id.prefix(2).allSatisfy(\.isLetter), id.dropFirst(2).prefix(2).allSatisfy(\.isNumber)
        else { return false }
        let national = id.dropFirst(7)
        return IBAN.mod97(national + id.prefix(2) + id.dropFirst(2).prefix(2)) == 1
    }
}
