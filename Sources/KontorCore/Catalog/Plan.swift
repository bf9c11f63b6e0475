/// One version of a plan in a tenant's catalog: what a subscription is billed by.
///
/// Plans are values: a changed price is a new `Plan` with a higher version, and a running
/// subscription keeps the version it was created on (grandfathering) until it is changed.
public struct Plan: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var interval: BillingInterval.Unit
    public var intervalCount: Int
    public var trialDays: Int
    /// ISO 4217 codes this plan can be billed in; every charge has a price in each.
    public var currencies: [String]
    public var taxCategory: TaxCategory
    public var charges: [Charge]

    public init(
        code: String, name: String, interval: BillingInterval.Unit, intervalCount: Int = 1, trialDays: Int = 0,
        currencies: [String], taxCategory: TaxCategory = .standard, charges: [Charge]
    ) {
        self.code = code
        self.name = name
        self.interval = interval
        self.intervalCount = intervalCount
        self.trialDays = trialDays
        self.currencies = currencies
        self.taxCategory = taxCategory
        self.charges = charges
    }

    public var billingInterval: BillingInterval { BillingInterval(interval, count: intervalCount) }

    public var hasMeteredCharges: Bool { charges.contains { $0.type == .metered } }

    public func supports(_ currency: Currency) -> Bool { currencies.contains(currency.code) }

    /// The metered charge for `metric`, if the plan has one.
    public func meteredCharge(for metric: String) -> Charge? {
        charges.first { $0.type == .metered && $0.metric == metric }
    }

    enum CodingKeys: String, CodingKey {
        case code, name, interval, currencies, charges
        case intervalCount = "interval_count"
        case trialDays = "trial_days"
        case taxCategory = "tax_category"
    }
}

/// How a charge is priced and when it is billed.
public enum ChargeType: String, Hashable, Sendable, Codable, CaseIterable {
    /// A fixed amount per period, billed in advance.
    case flat
    /// `unit_amount × quantity` per period (seats), billed in advance.
    case perUnit = "per_unit"
    /// Tiers over the subscription quantity, billed in advance.
    case tiered
    /// Usage over the period, aggregated and billed in arrears.
    case metered
    /// Once, on the subscription's first invoice.
    case setupFee = "setup_fee"
}

/// Graduated: each unit is priced by the tier it falls in. Volume: all units at the tier the
/// total falls in.
public enum TiersMode: String, Hashable, Sendable, Codable, CaseIterable {
    case graduated, volume
}

/// How usage events of a period become one quantity.
public enum UsageAggregation: String, Hashable, Sendable, Codable, CaseIterable {
    case sum, max, count
}

/// Which VAT rate of the taxing country applies.
public enum TaxCategory: String, Hashable, Sendable, Codable, CaseIterable {
    case standard, reduced
}

/// Amounts in minor units by ISO 4217 code.
public typealias PriceMap = [String: Int64]

public struct Charge: Hashable, Sendable, Codable {
    public var code: String
    public var name: String
    public var type: ChargeType
    /// `flat`, `setup_fee`: the amount.
    public var amount: PriceMap?
    /// `per_unit`, and `metered` without tiers: the price of one unit.
    public var unitAmount: PriceMap?
    public var tiersMode: TiersMode?
    public var tiers: [Tier]?
    /// `metered`: the metric usage is reported under and how it is aggregated.
    public var metric: String?
    public var aggregation: UsageAggregation?

    public init(
        code: String, name: String, type: ChargeType, amount: PriceMap? = nil, unitAmount: PriceMap? = nil,
        tiersMode: TiersMode? = nil, tiers: [Tier]? = nil, metric: String? = nil, aggregation: UsageAggregation? = nil
    ) {
        self.code = code
        self.name = name
        self.type = type
        self.amount = amount
        self.unitAmount = unitAmount
        self.tiersMode = tiersMode
        self.tiers = tiers
        self.metric = metric
        self.aggregation = aggregation
    }

    /// In advance (licensed) or in arrears (metered).
    public var isInArrears: Bool { type == .metered }

    enum CodingKeys: String, CodingKey {
        case code, name, type, amount, tiers, metric, aggregation
        case unitAmount = "unit_amount"
        case tiersMode = "tiers_mode"
    }
}

/// One price tier: units up to and including `upTo` (`nil`: no upper bound, the last tier).
public struct Tier: Hashable, Sendable, Codable {
    public var upTo: Int64?
    public var unitAmount: PriceMap
    public var flatAmount: PriceMap?

    public init(upTo: Int64?, unitAmount: PriceMap, flatAmount: PriceMap? = nil) {
        self.upTo = upTo
        self.unitAmount = unitAmount
        self.flatAmount = flatAmount
    }

    enum CodingKeys: String, CodingKey {
        case upTo = "up_to"
        case unitAmount = "unit_amount"
        case flatAmount = "flat_amount"
    }
}
