/// Writing off what a debtor will not pay (Forderungsausfall).
///
/// The VAT in the lost amount is corrected (§17 (2) Nr. 1 UStG: the taxable amount became
/// uncollectible), so the write-off splits the open gross amount into net, posted to bad-debt
/// expense, and the VAT share, which reduces VAT payable. The share follows the invoice's own
/// ratio of tax to total, rounded half up once.
public struct WriteOffSplit: Hashable, Sendable {
    public let net: Int64
    public let tax: Int64

    public var gross: Int64 { net + tax }

    public init(open: Int64, invoiceTotal: Int64, invoiceTax: Int64) {
        precondition(open >= 0 && invoiceTotal >= 0, "amounts are not negative")
        guard invoiceTotal > 0, invoiceTax != 0 else {
            self.net = open
            self.tax = 0
            return
        }
        let tax = RoundingRule.halfUp.multiplyDivide(open, by: invoiceTax, dividedBy: invoiceTotal) ?? 0
        self.tax = tax
        self.net = open - tax
    }
}
