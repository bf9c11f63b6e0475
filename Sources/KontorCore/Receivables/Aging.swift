/// Aging of receivables by days past the due date, on the amount still open at the cut-off
/// (not on the original amount, and not by issue date — the mistake DOMAIN.md warns about).
public enum AgingBucket: String, CaseIterable, Hashable, Sendable, Codable {
    case current
    case days1To30 = "1_30"
    case days31To60 = "31_60"
    case days61To90 = "61_90"
    case over90 = "over_90"

    /// `current` covers items not yet due and due on the cut-off day itself.
    public init(daysPastDue days: Int) {
        switch days {
        case ...0: self = .current
        case 1...30: self = .days1To30
        case 31...60: self = .days31To60
        case 61...90: self = .days61To90
        default: self = .over90
        }
    }
}

/// Open amounts per bucket, per currency.
public struct AgingTotals: Hashable, Sendable {
    public private(set) var buckets: [AgingBucket: Int64] = [:]
    public private(set) var total: Int64 = 0
    public private(set) var count = 0

    public init() {}

    public init(_ items: [OpenItem], asOf: LocalDate) {
        for item in items { add(item, asOf: asOf) }
    }

    public mutating func add(_ item: OpenItem, asOf: LocalDate) {
        add(open: item.open, daysPastDue: item.daysPastDue(on: asOf))
    }

    /// Adds `count` items (one unless a sum of several) owing `open` in all, `daysPastDue` late.
    public mutating func add(open: Int64, daysPastDue: Int, count: Int = 1) {
        buckets[AgingBucket(daysPastDue: daysPastDue), default: 0] += open
        total += open
        self.count += count
    }

    public subscript(bucket: AgingBucket) -> Int64 { buckets[bucket] ?? 0 }
}

/// Days sales outstanding: receivables at the period end / revenue in the period × days in
/// the period. `nil` without revenue (the ratio means nothing then).
public struct DaysSalesOutstanding: Hashable, Sendable {
    public let receivables: Int64
    public let revenue: Int64
    public let days: Int

    public init(receivables: Int64, revenue: Int64, from: LocalDate, to: LocalDate) {
        self.receivables = receivables
        self.revenue = revenue
        self.days = from.days(to: to) + 1
    }

    /// Rounded half up to two decimals and returned in hundredths (`4250` = 42.50 days), so no
    /// floating point carries the figure.
    public var hundredthsOfDays: Int64? {
        guard revenue > 0 else { return nil }
        return RoundingRule.halfUp.multiplyDivide(receivables, by: Int64(days) * 100, dividedBy: revenue)
    }

    public var formatted: String? {
        hundredthsOfDays.map { h in
            let sign = h < 0 ? "-" : ""
            let a = abs(h)
            let cents = a % 100
            return "\(sign)\(a / 100).\(cents < 10 ? "0" : "")\(cents)"
        }
    }
}
