import Foundation

/// The secret in a customer's portal link: `pt_` and 43 base64url characters (32 random bytes,
/// 256 bits). Whoever holds it sees that customer's account, so it is never logged and is only
/// ever compared as a whole.
public enum PortalToken {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    /// A new token from the system's random source.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(32)
        for _ in 0..<4 {
            var word = generator.next()
            for _ in 0..<8 {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return "pt_" + base64url(bytes)
    }

    /// Whether `text` has the shape of a token (a lookup is only made for one that has).
    public static func looksValid(_ text: some StringProtocol) -> Bool {
        text.utf8.count == 46 && text.hasPrefix("pt_")
            && text.utf8.dropFirst(3).allSatisfy { b in
                (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) || b == 0x2D
                    || b == 0x5F
            }
    }

    /// Unpadded base64url (RFC 4648 § 5).
    public static func base64url(_ bytes: [UInt8]) -> String {
        var out = ""
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i < bytes.count {
            let b0 = Int(bytes[i])
            let b1 = i + 1 < bytes.count ? Int(bytes[i + 1]) : 0
            let b2 = i + 2 < bytes.count ? Int(bytes[i + 2]) : 0
            out.append(alphabet[b0 >> 2])
            out.append(alphabet[((b0 & 0x03) << 4) | (b1 >> 4)])
            if i + 1 < bytes.count { out.append(alphabet[((b1 & 0x0F) << 2) | (b2 >> 6)]) }
            if i + 2 < bytes.count { out.append(alphabet[b2 & 0x3F]) }
            i += 3
        }
        return out
    }

    /// `text` with every token in it replaced by `pt_…` (for logs).
    public static func redacted(_ text: String) -> String {
        guard text.contains("pt_") else { return text }
        var out = ""
        var rest = Substring(text)
        while let r = rest.range(of: "pt_") {
            out += rest[..<r.lowerBound]
            out += "pt_…"
            rest = rest[r.upperBound...].drop { c in c.isASCII && (c.isLetter || c.isNumber || c == "-" || c == "_") }
        }
        return out + rest
    }
}
