import Foundation
import KontorEngine
import Testing

/// `RFC3339.date(from:)` (the API's instants, parsed by hand for speed) against Foundation's
/// `ISO8601DateFormatter` as the oracle, and the strings RFC 3339 refuses.
@Suite struct RFC3339Tests {
    static let valid = [
        "2026-11-22T10:00:00Z", "2027-01-01T00:00:00Z", "2024-02-29T23:59:59Z", "1999-12-31T23:59:59Z",
        "2026-11-22T10:00:00+01:00", "2026-11-22T10:00:00-05:30", "2026-11-22t10:00:00z",
        "2026-11-22T10:00:00.250Z", "2026-11-22T10:00:00.5+02:00", "2026-03-29T02:30:00Z",
    ]

    @Test func validInstantsAgreeWithFoundation() throws {
        let plain = ISO8601DateFormatter()
        let fractional = ISO8601DateFormatter()
        fractional.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        for text in Self.valid {
            let upper = text.uppercased()
            let expected = try #require(plain.date(from: upper) ?? fractional.date(from: upper), "\(text)")
            let parsed = try #require(RFC3339.date(from: text), "\(text)")
            #expect(abs(parsed.timeIntervalSince1970 - expected.timeIntervalSince1970) < 0.001, "\(text)")
        }
    }

    @Test func writtenInstantsReadBack() {
        for seconds in stride(from: -86_400 * 400, through: 86_400 * 20_000, by: 86_399 * 37) {
            let date = Date(timeIntervalSince1970: Double(seconds))
            #expect(RFC3339.date(from: RFC3339.string(date)) == date)
        }
    }

    @Test func anythingElseIsRefused() {
        for text in [
            "", "2026-11-22", "2026-11-22T10:00:00", "2026-11-22 10:00:00Z", "2026-02-30T10:00:00Z",
            "2026-13-01T10:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T10:60:00Z", "2026-11-22T10:00:60Z",
            "2026-11-22T10:00:00.Z", "2026-11-22T10:00:00+0100", "2026-11-22T10:00:00+24:00", "2026-11-22T10:00:00Zx",
            "20261122T100000Z", "２０２６-11-22T10:00:00Z", "2026-11-22T10:00:00 Z",
        ] {
            #expect(RFC3339.date(from: text) == nil, "\(text)")
        }
    }
}
