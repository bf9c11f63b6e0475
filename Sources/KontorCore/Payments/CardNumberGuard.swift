/// Finds what looks like a full card number (PAN) in text, so that Kontor can refuse it before
/// it is stored or logged (PCI DSS: only a PSP token, the brand, the last four digits and the
/// expiry may be kept).
///
/// A candidate is a run of 13 to 19 digits, optionally grouped by single spaces or dashes
/// ("4242 4242 4242 4242"), that passes the Luhn check and stands as a word of its own: digits
/// glued to letters or underscores ("DE89370400440532013000", an IBAN; "tok_4242…", a PSP
/// token) are not a card number, nor are the groups of an IBAN written in groups of four
/// ("DE89 3704 0044 0532 0130 01").
public enum CardNumberGuard {
    public static func containsCardNumber(_ text: String) -> Bool {
        !cardNumbers(in: Array(text.utf8)).isEmpty
    }

    /// `text` with every card number masked, digit by digit, but its first six and last four
    /// (PCI DSS 3.4: the most that may be shown): what a bank remittance text may carry, kept
    /// and logged only so.
    public static func masked(_ text: String) -> String {
        var chars = Array(text.utf8)
        let found = cardNumbers(in: chars)
        guard !found.isEmpty else { return text }
        for positions in found {
            for p in positions.dropFirst(6).dropLast(4) { chars[p] = UInt8(ascii: "*") }
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// The byte positions of the digits of each card number in `chars`.
    static func cardNumbers(in chars: [UInt8]) -> [[Int]] {
        var found: [[Int]] = []
        var i = 0
        while i < chars.count {
            if isLetter(chars[i]) || chars[i] == UInt8(ascii: "_") {
                // An alphanumeric token (an IBAN, an id): its digits are not a card number.
                let start = i
                while i < chars.count, isWordCharacter(chars[i]) { i += 1 }
                // An IBAN written in groups ("DE89 3704 0044 …"): the groups after its head are
                // the IBAN too, whatever the Luhn check says of their digits.
                // Only groups of at most four, at most eight of them (an IBAN has 34 characters).
                if i - start == 4, startsLikeIBAN(chars, start, end: i) {
                    var groups = 0
                    while groups < 8, i + 1 < chars.count, chars[i] == UInt8(ascii: " ") {
                        var j = i + 1
                        while j < chars.count, j - i <= 4, isDigit(chars[j]) || isLetter(chars[j]) { j += 1 }
                        guard j > i + 1, j == chars.count || !isWordCharacter(chars[j]) else { break }
                        i = j
                        groups += 1
                    }
                }
                continue
            }
            guard isDigit(chars[i]) else {
                i += 1
                continue
            }
            var positions: [Int] = []
            var j = i
            while j < chars.count, isDigit(chars[j]) || isSeparator(chars, j) {
                if isDigit(chars[j]) { positions.append(j) }
                j += 1
            }
            let gluedToLetter = j < chars.count && isLetter(chars[j])
            if !gluedToLetter, (13...19).contains(positions.count),
                passesLuhn(positions.map { chars[$0] - UInt8(ascii: "0") })
            {
                found.append(positions)
            }
            i = j
        }
        return found
    }

    /// The Luhn (mod 10) check used by every card network.
    public static func passesLuhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var d = Int(digit)
            if offset % 2 == 1 {
                d *= 2
                if d > 9 { d -= 9 }
            }
            sum += d
        }
        return sum % 10 == 0
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
    static func isLetter(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
    }
    /// Two letters and two check digits, then nothing or more letters and digits (an IBAN's
    /// first group, or the whole IBAN).
    static func startsLikeIBAN(_ chars: [UInt8], _ start: Int, end: Int) -> Bool {
        end - start >= 4 && isLetter(chars[start]) && isLetter(chars[start + 1]) && isDigit(chars[start + 2])
            && isDigit(chars[start + 3]) && chars[start..<end].allSatisfy { isDigit($0) || isLetter($0) }
    }

    static func isWordCharacter(_ c: UInt8) -> Bool { isDigit(c) || isLetter(c) || c == UInt8(ascii: "_") }

    /// A single space or dash between two digits.
    static func isSeparator(_ chars: [UInt8], _ i: Int) -> Bool {
        guard chars[i] == UInt8(ascii: " ") || chars[i] == UInt8(ascii: "-"), i > 0, i + 1 < chars.count else {
            return false
        }
        return isDigit(chars[i - 1]) && isDigit(chars[i + 1])
    }
}
