/// What a charge costs for one period: pure arithmetic on minor units, overflow-checked.
extension Charge {
    /// The amount for `quantity` units (seats for licensed charges, aggregated usage for
    /// metered ones) in `currency`, before proration and tax. Zero units cost nothing, also
    /// in a tier with a flat amount.
    public func amount(quantity: Int64, currency: Currency) throws(MoneyError) -> Int64 {
        let code = currency.code
        switch type {
        case .flat, .setupFee:
            return amount?[code] ?? 0
        case .perUnit:
            return try Self.multiply(unitAmount?[code] ?? 0, quantity)
        case .tiered, .metered:
            guard let tiers, let tiersMode else { return try Self.multiply(unitAmount?[code] ?? 0, quantity) }
            guard quantity > 0 else { return 0 }
            switch tiersMode {
            case .graduated: return try Self.graduated(tiers, quantity: quantity, currency: code)
            case .volume: return try Self.volume(tiers, quantity: quantity, currency: code)
            }
        }
    }

    /// The unit price to show on an invoice line, when there is a single one.
    public func displayUnitAmount(quantity: Int64, currency: Currency) -> Int64? {
        switch type {
        case .flat, .setupFee: return amount?[currency.code]
        case .perUnit: return unitAmount?[currency.code]
        case .tiered, .metered:
            guard let tiers, let tiersMode else { return unitAmount?[currency.code] }
            guard tiersMode == .volume, let tier = Self.volumeTier(tiers, quantity: quantity),
                (tier.flatAmount?[currency.code] ?? 0) == 0
            else { return nil }
            return tier.unitAmount[currency.code]
        }
    }

    static func graduated(_ tiers: [Tier], quantity: Int64, currency: String) throws(MoneyError) -> Int64 {
        var total: Int64 = 0
        var lower: Int64 = 0
        for tier in tiers where quantity > lower {
            let upper = Swift.min(quantity, tier.upTo ?? quantity)
            let units = upper - lower
            total = try add(total, try multiply(tier.unitAmount[currency] ?? 0, units))
            total = try add(total, tier.flatAmount?[currency] ?? 0)
            lower = upper
        }
        return total
    }

    static func volumeTier(_ tiers: [Tier], quantity: Int64) -> Tier? {
        tiers.first { quantity <= ($0.upTo ?? .max) } ?? tiers.last
    }

    static func volume(_ tiers: [Tier], quantity: Int64, currency: String) throws(MoneyError) -> Int64 {
        guard let tier = volumeTier(tiers, quantity: quantity) else { return 0 }
        return try add(try multiply(tier.unitAmount[currency] ?? 0, quantity), tier.flatAmount?[currency] ?? 0)
    }

    static func multiply(_ a: Int64, _ b: Int64) throws(MoneyError) -> Int64 {
        let (r, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow else { throw .overflow }
        return r
    }

    static func add(_ a: Int64, _ b: Int64) throws(MoneyError) -> Int64 {
        let (r, overflow) = a.addingReportingOverflow(b)
        guard !overflow else { throw .overflow }
        return r
    }
}
