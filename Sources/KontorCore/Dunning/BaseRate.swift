/// The base rate of §247 BGB (Basiszinssatz), published by the Bundesbank and changed on
/// 1 January and 1 July. Dated data, not a constant: interest for a span that crosses a change
/// is computed per sub-span at the rate in force.
public struct BaseRateTable: Hashable, Sendable {
    public struct Entry: Hashable, Sendable {
        public let validFrom: LocalDate
        /// Hundredths of a percentage point: 127 = 1.27 %. May be negative (2013–2022 it was).
        public let basisPoints: Int

        public init(validFrom: LocalDate, basisPoints: Int) {
            self.validFrom = validFrom
            self.basisPoints = basisPoints
        }
    }

    /// Ascending by `validFrom`.
    public let entries: [Entry]

    public init(_ entries: [Entry]) {
        self.entries = entries.sorted { $0.validFrom < $1.validFrom }
    }

    /// The rates Kontor ships with; a tenant's own table may extend it.
    /// Source: Deutsche Bundesbank announcements (the 2025-01-01 figure marked "check" in DOMAIN.md).
    public static let germany = BaseRateTable([
        Entry(validFrom: LocalDate(year: 2023, month: 1, day: 1)!, basisPoints: 162),
        Entry(validFrom: LocalDate(year: 2023, month: 7, day: 1)!, basisPoints: 312),
        Entry(validFrom: LocalDate(year: 2024, month: 1, day: 1)!, basisPoints: 362),
        Entry(validFrom: LocalDate(year: 2024, month: 7, day: 1)!, basisPoints: 337),
        Entry(validFrom: LocalDate(year: 2025, month: 1, day: 1)!, basisPoints: 227),
        Entry(validFrom: LocalDate(year: 2025, month: 7, day: 1)!, basisPoints: 127),
        Entry(validFrom: LocalDate(year: 2026, month: 1, day: 1)!, basisPoints: 127),
    ])

    /// The rate in force on `day`; the earliest entry's rate before the table starts.
    public func rate(on day: LocalDate) -> Int {
        entries.last { $0.validFrom <= day }?.basisPoints ?? entries.first?.basisPoints ?? 0
    }
}

/// Default interest of §288 BGB: the base rate plus 5 points against a consumer, plus 9 points
/// when no consumer is party (B2B); act/365 per day, from the day after default began.
public struct DefaultInterest: Hashable, Sendable {
    public let table: BaseRateTable

    public init(table: BaseRateTable = .germany) {
        self.table = table
    }

    /// Surcharge over the base rate in basis points.
    public static func surcharge(consumer: Bool) -> Int { consumer ? 500 : 900 }

    /// Interest on `amount` for the days `from` (inclusive) to `to` (exclusive), each day at the
    /// rate in force that day, rounded half up once at the end. Never negative.
    public func interest(on amount: Int64, from: LocalDate, to: LocalDate, consumer: Bool) -> Int64 {
        guard amount > 0, from < to else { return 0 }
        // Sum rate × days over the spans between rate changes: Σ (bp × days), then one division.
        var rateDays: Int64 = 0
        var day = from
        while day < to {
            let next = table.entries.first { $0.validFrom > day }?.validFrom
            let end = next.map { min($0, to) } ?? to
            let bp = max(0, table.rate(on: day) + Self.surcharge(consumer: consumer))
            rateDays += Int64(bp) * Int64(day.days(to: end))
            day = end
        }
        // amount × (bp / 10,000) × days / 365
        return RoundingRule.halfUp.multiplyDivide(amount, by: rateDays, dividedBy: 3_650_000) ?? 0
    }

    /// The flat fee of §288 (5) BGB: EUR 40 against a business debtor in default, in cents.
    public static let businessFlatFeeEUR: Int64 = 4000
}
