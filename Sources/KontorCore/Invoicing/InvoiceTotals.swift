/// The tax and totals of an invoice.
///
/// Rounding rule (documented in the README): VAT is computed per line as
/// `net × rate`, rounded half up (kaufmännisch) to the minor unit, then summed per rate.
/// The invoice shows net, rate and tax per rate (§14 Abs. 4 Nr. 7–8 UStG); totals are exact
/// sums of the lines, so lines, breakdown and totals always agree to the cent.
public struct InvoiceTotals: Hashable, Sendable {
    public struct TaxedLine: Hashable, Sendable {
        public let line: InvoiceLineDraft
        public let taxRate: Int
        public let taxAmount: Int64
    }

    public struct RateTotal: Hashable, Sendable {
        public let rate: Int
        public let net: Int64
        public let tax: Int64
    }

    public let lines: [TaxedLine]
    /// Net and tax per rate, ascending by rate.
    public let breakdown: [RateTotal]
    public let subtotal: Int64
    public let tax: Int64
    public let total: Int64
    public let treatment: TaxTreatment

    public static let rounding = RoundingRule.halfUp

    public init(lines drafts: [InvoiceLineDraft], treatment: TaxTreatment) throws(MoneyError) {
        let rate = treatment.rate
        var taxed: [TaxedLine] = []
        var byRate: [Int: (net: Int64, tax: Int64)] = [:]
        var subtotal: Int64 = 0
        var tax: Int64 = 0
        for line in drafts {
            guard let lineTax = Self.rounding.multiplyDivide(line.amount, by: Int64(rate), dividedBy: 10_000) else {
                throw .overflow
            }
            taxed.append(TaxedLine(line: line, taxRate: rate, taxAmount: lineTax))
            subtotal = try Charge.add(subtotal, line.amount)
            tax = try Charge.add(tax, lineTax)
            let current = byRate[rate] ?? (0, 0)
            byRate[rate] = (try Charge.add(current.net, line.amount), try Charge.add(current.tax, lineTax))
        }
        self.lines = taxed
        self.breakdown = byRate.keys.sorted().map { RateTotal(rate: $0, net: byRate[$0]!.net, tax: byRate[$0]!.tax) }
        self.subtotal = subtotal
        self.tax = tax
        self.total = try Charge.add(subtotal, tax)
        self.treatment = treatment
    }
}
