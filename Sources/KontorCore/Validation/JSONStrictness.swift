/// What a lenient JSON decoder lets through and Kontor refuses (RFC 8259 says names SHOULD be
/// unique and a BOM MUST NOT be added; which of two values a decoder keeps is up to it, so two
/// parsers in a chain — a merchant's proxy and Kontor — can read different requests).
///
/// `firstDuplicateKey` scans the bytes once, without building a tree, and compares keys as
/// decoded (`"a"` and `"\u0061"` are the same name). Malformed JSON is left for the decoder to
/// refuse: the scan stops without an answer.
public enum JSONStrictness {
    /// The UTF-8 byte order mark.
    public static func startsWithByteOrderMark(_ bytes: [UInt8]) -> Bool {
        bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
    }

    /// The path (`address.country`, `lines[1].description`) of the first name that occurs twice
    /// in one object, or nil.
    public static func firstDuplicateKey(_ bytes: [UInt8]) -> String? {
        var scanner = Scanner(bytes: bytes)
        return try? scanner.value(path: "")
    }

    struct Malformed: Error {}

    struct Scanner {
        let bytes: [UInt8]
        var i = 0

        mutating func skipSpace() {
            while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 }
        }

        /// Scans one value; returns the first duplicate found inside it.
        mutating func value(path: String) throws(Malformed) -> String? {
            skipSpace()
            guard i < bytes.count else { throw Malformed() }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var seen: Set<String> = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") {
                    i += 1
                    return nil
                }
                while true {
                    skipSpace()
                    let key = try string()
                    let child = path.isEmpty ? key : "\(path).\(key)"
                    if !seen.insert(key).inserted { return child }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { throw Malformed() }
                    i += 1
                    if let found = try value(path: child) { return found }
                    skipSpace()
                    guard i < bytes.count else { throw Malformed() }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                    } else if bytes[i] == UInt8(ascii: "}") {
                        i += 1
                        return nil
                    } else {
                        throw Malformed()
                    }
                }
            case UInt8(ascii: "["):
                i += 1
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") {
                    i += 1
                    return nil
                }
                var index = 0
                while true {
                    if let found = try value(path: "\(path)[\(index)]") { return found }
                    index += 1
                    skipSpace()
                    guard i < bytes.count else { throw Malformed() }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                    } else if bytes[i] == UInt8(ascii: "]") {
                        i += 1
                        return nil
                    } else {
                        throw Malformed()
                    }
                }
            case UInt8(ascii: "\""):
                _ = try string()
                return nil
            default:
                // A number or a literal: everything up to the next delimiter.
                while i < bytes.count, !",]} \t\r\n".utf8.contains(bytes[i]) { i += 1 }
                return nil
            }
        }

        /// A string token, decoded.
        mutating func string() throws(Malformed) -> String {
            guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { throw Malformed() }
            i += 1
            var scalars = String.UnicodeScalarView()
            var raw: [UInt8] = []
            func flush() {
                if !raw.isEmpty {
                    scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
                    raw = []
                }
            }
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    i += 1
                    flush()
                    return String(scalars)
                }
                if c != UInt8(ascii: "\\") {
                    raw.append(c)
                    i += 1
                    continue
                }
                flush()
                guard i + 1 < bytes.count else { throw Malformed() }
                let e = bytes[i + 1]
                i += 2
                switch e {
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "u"):
                    var unit = try hex4()
                    if (0xD800..<0xDC00).contains(unit), i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"),
                        bytes[i + 1] == UInt8(ascii: "u")
                    {
                        i += 2
                        let low = try hex4()
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                    }
                    scalars.append(Unicode.Scalar(unit) ?? "\u{FFFD}")
                default: scalars.append(Unicode.Scalar(e))
                }
            }
            throw Malformed()
        }

        mutating func hex4() throws(Malformed) -> UInt32 {
            guard i + 4 <= bytes.count, let v = UInt32(String(decoding: bytes[i..<i + 4], as: UTF8.self), radix: 16)
            else { throw Malformed() }
            i += 4
            return v
        }
    }
}
