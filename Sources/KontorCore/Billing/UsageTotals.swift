/// The usage reported for one metric in one period, aggregated every way a plan may ask.
public struct UsageTotals: Hashable, Sendable {
    public var sum: Int64
    public var max: Int64
    public var count: Int64

    public init(sum: Int64 = 0, max: Int64 = 0, count: Int64 = 0) {
        self.sum = sum
        self.max = max
        self.count = count
    }

    public func value(_ aggregation: UsageAggregation) -> Int64 {
        switch aggregation {
        case .sum: sum
        case .max: max
        case .count: count
        }
    }
}
