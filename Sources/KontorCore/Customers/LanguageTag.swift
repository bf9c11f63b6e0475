import Foundation

/// A customer's `locale`: the language documents and e-mails to them are written in, as a BCP 47
/// tag of a two-letter language and an optional region (`de`, `de-DE`, `en-GB`; `_` is read as
/// `-`). Stored normalised: language lower case, region upper case.
public struct LanguageTag: Sendable, Hashable, CustomStringConvertible {
    public let value: String

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(
            separator: "-", omittingEmptySubsequences: false
        ).flatMap { $0.split(separator: "_", omittingEmptySubsequences: false) }
        guard (1...2).contains(parts.count), parts[0].count == 2, parts[0].allSatisfy({ $0.isASCII && $0.isLetter })
        else { return nil }
        var value = parts[0].lowercased()
        if parts.count == 2 {
            guard parts[1].count == 2, parts[1].allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
            value += "-" + parts[1].uppercased()
        }
        self.value = value
    }

    public var language: String { String(value.prefix(2)) }
    public var description: String { value }
}
