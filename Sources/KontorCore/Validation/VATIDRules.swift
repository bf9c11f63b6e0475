/// Format and check-digit rules per VAT prefix, after the member states' published algorithms
/// (as collected by the EU's VIES documentation). Each rule gets the national part as ASCII bytes.
enum VATIDRules {
    typealias Rule = @Sendable ([UInt8]) -> Bool

    static let byPrefix: [String: Rule] = [
        "AT": austria, "BE": belgium, "BG": bulgaria, "CY": cyprus, "CZ": czechia, "DE": germany,
        "DK": denmark, "EE": estonia, "EL": greece, "ES": spain, "FI": finland, "FR": france,
        "HR": croatia, "HU": hungary, "IE": ireland, "IT": italy, "LT": lithuania, "LU": luxembourg,
        "LV": latvia, "MT": malta, "NL": netherlands, "PL": poland, "PT": portugal, "RO": romania,
        "SE": sweden, "SI": slovenia, "SK": slovakia, "XI": northernIreland,
    ]

    // MARK: helpers

    static func digits(_ b: [UInt8]) -> [Int]? {
        var out: [Int] = []
        out.reserveCapacity(b.count)
        for c in b {
            guard c >= 48, c <= 57 else { return nil }
            out.append(Int(c) - 48)
        }
        return out
    }

    static func weighted(_ d: ArraySlice<Int>, _ w: [Int]) -> Int {
        zip(d, w).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// Luhn checksum (0 means valid), counting from the right.
    static func luhn(_ d: [Int]) -> Int {
        var sum = 0
        for (i, n) in d.reversed().enumerated() {
            if i % 2 == 0 { sum += n } else { sum += (n * 2) / 10 + (n * 2) % 10 }
        }
        return sum % 10
    }

    /// ISO 7064 MOD 11,10 (Germany, Croatia): valid when the result is 1.
    static func mod11_10(_ d: [Int]) -> Int {
        var check = 5
        for n in d { check = (((check == 0 ? 10 : check) * 2) % 11 + n) % 10 }
        return check
    }

    static func number(_ d: ArraySlice<Int>) -> Int { d.reduce(0) { $0 * 10 + $1 } }

    static func validDate(year: Int, month: Int, day: Int) -> Bool {
        guard (1...12).contains(month), day >= 1 else { return false }
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
        let lengths = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        return day <= lengths[month - 1]
    }

    static func s(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    // MARK: member states

    static let austria: Rule = { b in
        guard b.count == 9, b[0] == UInt8(ascii: "U"), let d = digits(Array(b[1...])) else { return false }
        return (6 - luhn(Array(d[0..<7]))) %% 10 == d[7]
    }

    static let belgium: Rule = { b in
        let padded = b.count == 9 ? [UInt8(ascii: "0")] + b : b
        guard padded.count == 10, let d = digits(padded), d[0] <= 1 else { return false }
        return (number(d[0..<8]) + number(d[8...])) % 97 == 0 && number(d[...]) > 0
    }

    static let bulgaria: Rule = { b in
        guard let d = digits(b) else { return false }
        if d.count == 9 {
            var check = d[0..<8].enumerated().reduce(0) { $0 + ($1.offset + 1) * $1.element } % 11
            if check == 10 { check = d[0..<8].enumerated().reduce(0) { $0 + ($1.offset + 3) * $1.element } % 11 }
            return check % 10 == d[8]
        }
        guard d.count == 10 else { return false }
        // Personal number (EGN) with its birth date, foreigner's number (PNF), or other.
        let egnCheck = weighted(d[0..<9], [2, 4, 8, 5, 10, 9, 7, 3, 6]) % 11 % 10
        var month = number(d[2..<4])
        var year = number(d[0..<2])
        if month > 40 {
            month -= 40
            year += 2000
        } else if month > 20 {
            month -= 20
            year += 1800
        } else {
            year += 1900
        }
        if egnCheck == d[9], validDate(year: year, month: month, day: number(d[4..<6])) { return true }
        if weighted(d[0..<9], [21, 19, 17, 13, 11, 9, 7, 3, 1]) % 10 == d[9] { return true }
        return (11 - weighted(d[0..<9], [4, 3, 2, 7, 6, 5, 4, 3, 2])) %% 11 == d[9]
    }

    static let cyprus: Rule = { b in
        guard b.count == 9, let d = digits(Array(b[0..<8])), !(d[0] == 1 && d[1] == 2) else { return false }
        let translation = [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        var sum = 0
        for (i, n) in d.enumerated() { sum += i % 2 == 0 ? translation[n] : n }
        return b[8] == UInt8(ascii: "A") + UInt8(sum % 26)
    }

    static let czechia: Rule = { b in
        guard let d = digits(b) else { return false }
        switch d.count {
        case 8:
            guard d[0] != 9 else { return false }
            let check = (11 - d[0..<7].enumerated().reduce(0) { $0 + (8 - $1.offset) * $1.element }) %% 11
            return (check == 0 ? 1 : check) % 10 == d[7]
        case 9 where d[0] == 6:
            let sum = d[1..<8].enumerated().reduce(0) { $0 + (8 - $1.offset) * $1.element } % 11
            return (8 - (10 - sum) %% 11) %% 10 == d[8]
        case 9, 10:
            return czechBirthNumber(d)
        default:
            return false
        }
    }

    /// Rodné číslo: birth date (month +50 for women, +20/+70 after 2004), 10-digit numbers
    /// divisible by 11 (check digit 0 when the remainder is 10).
    static func czechBirthNumber(_ d: [Int]) -> Bool {
        var year = 1900 + number(d[0..<2])
        var month = number(d[2..<4]) % 50 % 20
        let day = number(d[4..<6])
        if d.count == 9 {
            if year >= 1980 { year -= 100 }
            if year > 1953 { return false }
        } else if year < 1954 {
            year += 100
        }
        if month == 0 { month = -1 }
        guard validDate(year: year, month: month, day: day) else { return false }
        if d.count == 10 { return number(d[0..<9]) % 11 % 10 == d[9] }
        return true
    }

    static let germany: Rule = { b in
        guard b.count == 9, let d = digits(b), d[0] != 0 else { return false }
        return mod11_10(d) == 1
    }

    static let denmark: Rule = { b in
        guard b.count == 8, let d = digits(b), d[0] != 0 else { return false }
        return weighted(d[...], [2, 7, 6, 5, 4, 3, 2, 1]) % 11 == 0
    }

    static let estonia: Rule = { b in
        guard b.count == 9, let d = digits(b), d[0] == 1, d[1] == 0 else { return false }
        return weighted(d[...], [3, 7, 1, 3, 7, 1, 3, 7, 1]) % 10 == 0
    }

    static let greece: Rule = { b in
        let padded = b.count == 8 ? [UInt8(ascii: "0")] + b : b
        guard padded.count == 9, let d = digits(padded) else { return false }
        let sum = d[0..<8].reduce(0) { $0 * 2 + $1 }
        return sum * 2 % 11 % 10 == d[8]
    }

    static let spain: Rule = { b in
        guard b.count == 9, digits(Array(b[1..<8])) != nil else { return false }
        let dniLetters = Array("TRWAGMYFPDXBNJZSQVHLCKE".utf8)
        let first = b[0]
        func dniLetter(_ numeric: [UInt8]) -> UInt8? {
            guard let d = digits(numeric) else { return nil }
            return dniLetters[number(d[...]) % 23]
        }
        if first >= 48, first <= 57 { return dniLetter(Array(b[0..<8])) == b[8] }
        switch first {
        case UInt8(ascii: "K"), UInt8(ascii: "L"), UInt8(ascii: "M"):
            return dniLetter(Array(b[1..<8])) == b[8]
        case UInt8(ascii: "X"), UInt8(ascii: "Y"), UInt8(ascii: "Z"):
            let lead = UInt8(ascii: "0") + (first - UInt8(ascii: "X"))
            return dniLetter([lead] + Array(b[1..<8])) == b[8]
        default:
            guard Array("ABCDEFGHJNPQRSUVW".utf8).contains(first), let d = digits(Array(b[1..<8])) else {
                return false
            }
            let check = (10 - luhn(d + [0])) % 10
            return b[8] == UInt8(ascii: "0") + UInt8(check) || b[8] == Array("JABCDEFGHI".utf8)[check]
        }
    }

    static let finland: Rule = { b in
        guard b.count == 8, let d = digits(b) else { return false }
        return weighted(d[...], [7, 9, 10, 5, 8, 4, 2, 1]) % 11 == 0
    }

    static let france: Rule = { b in
        guard b.count == 11, let siren = digits(Array(b[2...])) else { return false }
        if !(siren[0] == 0 && siren[1] == 0 && siren[2] == 0), luhn(siren) != 0 { return false }
        if let key = digits(Array(b[0..<2])) {
            return number(key[...]) == (number(siren[...]) * 100 + 12) % 97
        }
        // Newer alphanumeric keys.
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ".utf8)
        guard let c0 = alphabet.firstIndex(of: b[0]), let c1 = alphabet.firstIndex(of: b[1]) else { return false }
        let check = b[0] >= 48 && b[0] <= 57 ? c0 * 24 + c1 - 10 : c0 * 34 + c1 - 100
        return (number(siren[...]) + 1 + check / 11) % 11 == check %% 11
    }

    static let croatia: Rule = { b in
        guard b.count == 11, let d = digits(b) else { return false }
        return mod11_10(d) == 1
    }

    static let hungary: Rule = { b in
        guard b.count == 8, let d = digits(b) else { return false }
        return weighted(d[...], [9, 7, 3, 1, 9, 7, 3, 1]) % 10 == 0
    }

    static let ireland: Rule = { b in
        let alphabet = Array("WABCDEFGHIJKLMNOPQRSTUV".utf8)
        guard b.count == 8 || b.count == 9, digits([b[0]]) != nil, digits(Array(b[2..<7])) != nil,
            b[7...].allSatisfy({ alphabet.contains($0) })
        else { return false }
        func check(_ seven: [Int], _ extra: UInt8?) -> UInt8 {
            let e = extra.flatMap { alphabet.firstIndex(of: $0) } ?? 0
            return alphabet[(seven.enumerated().reduce(0) { $0 + (8 - $1.offset) * $1.element } + 9 * e) % 23]
        }
        if let d = digits(Array(b[0..<7])) {
            return b[7] == check(d, b.count == 9 ? b[8] : nil)
        }
        guard b.count == 8, (b[1] >= 65 && b[1] <= 90) || b[1] == UInt8(ascii: "+") || b[1] == UInt8(ascii: "*"),
            let d = digits([UInt8(ascii: "0")] + Array(b[2..<7]) + [b[0]])
        else { return false }
        return b[7] == check(d, nil)
    }

    static let italy: Rule = { b in
        guard b.count == 11, let d = digits(b), number(d[0..<7]) != 0 else { return false }
        let office = number(d[7..<10])
        guard (1...100).contains(office) || [120, 121, 888, 999].contains(office) else { return false }
        return luhn(d) == 0
    }

    static let lithuania: Rule = { b in
        guard let d = digits(b), (d.count == 9 && d[7] == 1) || (d.count == 12 && d[10] == 1) else { return false }
        let body = d.dropLast()
        var check = body.enumerated().reduce(0) { $0 + (1 + $1.offset % 9) * $1.element } % 11
        if check == 10 { check = body.enumerated().reduce(0) { $0 + (1 + ($1.offset + 2) % 9) * $1.element } % 11 }
        return check % 10 == d.last
    }

    static let luxembourg: Rule = { b in
        guard b.count == 8, let d = digits(b) else { return false }
        return number(d[0..<6]) % 89 == number(d[6...])
    }

    static let latvia: Rule = { b in
        guard b.count == 11, let d = digits(b) else { return false }
        if d[0] > 3 { return weighted(d[...], [9, 1, 4, 8, 3, 10, 2, 5, 7, 6, 1]) % 11 == 3 }
        let check = (1 + weighted(d[0..<10], [10, 5, 8, 4, 2, 1, 6, 3, 7, 9])) % 11 % 10
        if d[0] == 3 && d[1] == 2 { return check == d[10] }
        let year = 1800 + d[6] * 100 + number(d[4..<6])
        return validDate(year: year, month: number(d[2..<4]), day: number(d[0..<2])) && check == d[10]
    }

    static let malta: Rule = { b in
        guard b.count == 8, let d = digits(b), d[0] != 0 else { return false }
        return weighted(d[...], [3, 4, 6, 7, 8, 9, 10, 1]) % 37 == 0
    }

    static let netherlands: Rule = { b in
        guard b.count == 12, b[9] == UInt8(ascii: "B"), let d = digits(Array(b[0..<9])),
            let suffix = digits(Array(b[10...])), number(d[...]) > 0, number(suffix[...]) > 0
        else { return false }
        // Either the BSN/RSIN eleven-test, or (sole traders since 2020) ISO 7064 MOD 97-10
        // over "NL" + number with letters as 10..35.
        if (weighted(d[0..<8], [9, 8, 7, 6, 5, 4, 3, 2]) - d[8]) %% 11 == 0 { return true }
        var remainder = 0
        for c in Array("NL".utf8) + b {
            let value = c >= 65 ? Int(c) - 55 : Int(c) - 48
            remainder = (remainder * (value >= 10 ? 100 : 10) + value) % 97
        }
        return remainder == 1
    }

    static let poland: Rule = { b in
        guard b.count == 10, let d = digits(b) else { return false }
        return weighted(d[0..<9], [6, 5, 7, 2, 3, 4, 5, 6, 7]) % 11 == d[9]
    }

    static let portugal: Rule = { b in
        guard b.count == 9, let d = digits(b), d[0] != 0 else { return false }
        let sum = d[0..<8].enumerated().reduce(0) { $0 + (9 - $1.offset) * $1.element }
        return (11 - sum) %% 11 % 10 == d[8]
    }

    static let romania: Rule = { b in
        guard let d = digits(b) else { return false }
        if d.count == 13 {
            // CNP, a personal number, also accepted as VAT ID.
            var check = weighted(d[0..<12], [2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9]) % 11
            if check == 10 { check = 1 }
            return d[0] != 0 && check == d[12]
        }
        guard (2...10).contains(d.count), d[0] != 0 else { return false }
        let body = Array(repeating: 0, count: 10 - d.count) + d.dropLast()
        return 10 * weighted(body[...], [7, 5, 3, 2, 1, 7, 5, 3, 2]) % 11 % 10 == d.last
    }

    static let sweden: Rule = { b in
        guard b.count == 12, let d = digits(b), d[10] == 0, d[11] == 1 else { return false }
        return luhn(Array(d[0..<10])) == 0
    }

    static let slovenia: Rule = { b in
        guard b.count == 8, let d = digits(b), d[0] != 0 else { return false }
        let check = 11 - d[0..<7].enumerated().reduce(0) { $0 + (8 - $1.offset) * $1.element } % 11
        return check == 11 ? false : (check == 10 ? 0 : check) == d[7]
    }

    static let slovakia: Rule = { b in
        guard b.count == 10, let d = digits(b) else { return false }
        if czechBirthNumber(d) { return true }
        return d[0] != 0 && [2, 3, 4, 7, 8, 9].contains(d[2]) && number(d[...]) % 11 == 0
    }

    static let northernIreland: Rule = { b in
        let text = s(b)
        if b.count == 5, let d = digits(Array(b[2...])) {
            let n = number(d[...])
            return (text.hasPrefix("GD") && n < 500) || (text.hasPrefix("HA") && n >= 500)
        }
        guard b.count == 9 || b.count == 12, let d = digits(b) else { return false }
        let sum = weighted(d[0..<9], [8, 7, 6, 5, 4, 3, 2, 10, 1]) % 97
        return number(d[0..<3]) >= 100 ? [0, 42, 55].contains(sum) : sum == 0
    }
}

infix operator %% : MultiplicationPrecedence

/// Mathematical modulo: the result has the sign of the divisor (`-3 %% 10 == 7`), as the
/// check-digit specifications (and Python) mean it.
func %% (lhs: Int, rhs: Int) -> Int {
    let r = lhs % rhs
    return r < 0 ? r + rhs : r
}
