/// Opaque, prefixed identifiers (`cus_…`, `evt_…`): 24 random base62 characters, about 143 bits.
public enum Identifier {
    static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")

    public static func make(_ prefix: String, length: Int = 24) -> String {
        var generator = SystemRandomNumberGenerator()
        var id = prefix + "_"
        for _ in 0..<length { id.append(alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))]) }
        return id
    }

    /// Whether `text` has the shape of an id of this kind (used to answer 404 without a query).
    public static func looksValid(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix + "_"), text.count <= 64 else { return false }
        return text.dropFirst(prefix.count + 1).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }
}
