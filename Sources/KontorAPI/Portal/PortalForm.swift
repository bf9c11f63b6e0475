import Foundation

/// An `application/x-www-form-urlencoded` body (what an HTML form posts): names to values, a
/// name that repeats (checkboxes) keeping every value in order.
struct PortalForm: Sendable {
    private(set) var fields: [(name: String, value: String)] = []

    /// The most a portal form may send: a dispute message, a proposal with its items.
    static let maxBytes = 16 * 1024

    /// Nil when the body is not form-encoded UTF-8.
    init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count <= Self.maxBytes, let text = String(bytes: bytes, encoding: .utf8) else { return nil }
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                return nil
            }
            fields.append((name, value))
        }
    }

    /// The first value of `name`, nil when absent.
    subscript(_ name: String) -> String? { fields.first { $0.name == name }?.value }

    /// Every value of `name`.
    func all(_ name: String) -> [String] { fields.filter { $0.name == name }.map(\.value) }

    /// `+` is a space; `%XX` a byte; the bytes must be UTF-8 without control characters other
    /// than line breaks and tabs (a textarea's).
    static func decode(_ s: Substring) -> String? {
        guard let text = s.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else { return nil }
        let allowed = text.unicodeScalars.allSatisfy {
            !CharacterSet.controlCharacters.contains($0) || $0 == "\n" || $0 == "\r" || $0 == "\t"
        }
        return allowed ? text.replacingOccurrences(of: "\r\n", with: "\n") : nil
    }
}
