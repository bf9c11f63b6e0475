/// Opaque, prefixed identifiers (`cus_…`, `evt_…`): 24 random base62 characters, about 143 bits.
public enum Identifier {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    ///
    /// Each random 64-bit word yields up to eight characters: a byte below 248 (= 4 × 62)
    /// maps to `byte % 62` without bias, a byte from 248 up is skipped. One system call per
    /// eight bytes instead of one per character matters when a billing run makes 10,000 ids.
    public static func make(_ prefix: String, length: Int = 24) -> String {
        var generator = SystemRandomNumberGenerator()
        var id = prefix + "_"
        id.reserveCapacity(prefix.count + 1 + length)
        var produced = 0
        while produced < length {
            var word = generator.next()
            for _ in 0..<8 where produced < length {
                let byte = Int(word & 0xFF)
                word >>= 8
                guard byte < 248 else { continue }
                id.append(alphabet[byte % alphabet.count])
                produced += 1
            }
        }
        return id
    }

    /// Whether `text` has the shape of an id of this kind (used to answer 404 without a query).
    public static func looksValid(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix + "_"), text.count <= 64 else { return false }
        return text.dropFirst(prefix.count + 1).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
