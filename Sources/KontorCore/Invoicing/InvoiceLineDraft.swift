/// One line of an invoice or credit note before tax: what was delivered, for which period,
/// how many, at what unit price, for what net amount.
public struct InvoiceLineDraft: Hashable, Sendable {
    public var description: String
    /// The plan charge the line bills (`nil` for one-off lines).
    public var chargeCode: String?
    public var period: BillingPeriod?
    public var quantity: Int64
    /// Shown when one unit price explains the amount; `nil` for tiered and prorated amounts.
    public var unitAmount: Int64?
    /// Net amount in minor units; negative for a credit for unused time.
    public var amount: Int64

    public init(
        description: String, chargeCode: String? = nil, period: BillingPeriod? = nil, quantity: Int64 = 1,
        unitAmount: Int64? = nil, amount: Int64
    ) {
        self.description = description
        self.chargeCode = chargeCode
        self.period = period
        self.quantity = quantity
        self.unitAmount = unitAmount
        self.amount = amount
    }
}
