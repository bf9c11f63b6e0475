import Foundation
import KontorCore

/// Instants as the API writes them: RFC 3339 in UTC to the second (`2026-11-22T10:00:00Z`),
/// exactly as `JSONEncoder.DateEncodingStrategy.iso8601` does — without building a formatter
/// for every event on the delivery path.
public enum RFC3339 {
    public static func string(_ date: Date) -> String {
        let seconds = Int(date.timeIntervalSince1970.rounded(.down))
        let (days, secondOfDay) = seconds.quotientAndRemainder(dividingBy: 86_400)
        let (day, second) = secondOfDay < 0 ? (days - 1, secondOfDay + 86_400) : (days, secondOfDay)
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(LocalDate(dayNumber: day))T\(two(second / 3600)):\(two(second % 3600 / 60)):\(two(second % 60))Z"
    }
}
