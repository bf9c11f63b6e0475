/// Which VAT applies to a sale of services (SaaS) by a seller in `sellerCountry`.
///
/// - exempt customer → no VAT, exemption note;
/// - no country, or the seller's country → domestic rate;
/// - another EU member state: a business with a VAT ID → reverse charge; anyone else → the
///   customer's country's rate (B2C place of supply, One-Stop-Shop);
/// - outside the EU → not taxable here.
public enum TaxRules {
    public struct Customer: Sendable {
        public var country: String?
        public var isBusiness: Bool
        public var vatID: VATID?
        public var exempt: Bool

        public init(country: String?, isBusiness: Bool, vatID: VATID?, exempt: Bool) {
            self.country = country
            self.isBusiness = isBusiness
            self.vatID = vatID
            self.exempt = exempt
        }
    }

    public static func treatment(sellerCountry: String, customer: Customer, category: TaxCategory) -> TaxTreatment {
        if customer.exempt { return .exempt }
        guard let sellerRate = VATRates.rate(country: sellerCountry, category: category) else {
            // A seller outside the EU charges no EU VAT; its local tax is out of scope here.
            return .outsideScope
        }
        let country = customer.country ?? sellerCountry
        if country == sellerCountry { return .taxable(country: sellerCountry, rate: sellerRate) }
        guard let rate = VATRates.rate(country: country, category: category), CountryCode(country)?.isEUMember == true
        else { return .outsideScope }
        if customer.isBusiness, customer.vatID != nil { return .reverseCharge }
        return .taxable(country: country, rate: rate)
    }
}
