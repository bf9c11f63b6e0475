import Foundation

/// The one place where calendar days meet instants. A day begins at its first instant in the
/// tenant's zone: usually local midnight, but where daylight saving time skips midnight
/// (as it did in São Paulo) the day begins at 01:00 — Foundation's `startOfDay` knows.
extension LocalDate {
    /// The first instant of this day in `zone`.
    public func startInstant(in zone: TimeZone) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        // Noon always exists; from there, startOfDay finds the day's real first instant.
        let noon = calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
        return calendar.startOfDay(for: noon)
    }

    /// The calendar day that `instant` falls on in `zone`.
    public init(instant: Date, in zone: TimeZone) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day], from: instant)
        self.init(year: c.year!, month: c.month!, day: c.day!)!
    }
}
