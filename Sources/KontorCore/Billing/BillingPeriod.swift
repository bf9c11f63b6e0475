/// A period of service `[start, end)`: `start` is the first day of service, `end` the first day
/// after it. Consecutive periods share their boundary, so there is no gap and no overlap.
public struct BillingPeriod: Hashable, Sendable, CustomStringConvertible {
    public let start: LocalDate
    public let end: LocalDate

    public init(start: LocalDate, end: LocalDate) {
        precondition(start < end, "a period has at least one day")
        self.start = start
        self.end = end
    }

    public var days: Int { start.days(to: end) }

    public func contains(_ date: LocalDate) -> Bool { start <= date && date < end }

    public var description: String { "\(start)..<\(end)" }
}
