/// How VAT applies to one customer's invoice, decided once per invoice by `TaxRules`.
public enum TaxTreatment: Hashable, Sendable {
    /// VAT at `rate` of `country`: the seller's own country (domestic), or an EU consumer's
    /// country (place of supply for B2C e-services, Art. 58 VAT Directive).
    case taxable(country: String, rate: Int)
    /// EU B2B in another member state: 0 %, the customer accounts for the VAT (§13b UStG,
    /// Art. 196 VAT Directive).
    case reverseCharge
    /// Customer outside the EU: the place of supply is abroad, no German VAT.
    case outsideScope
    /// The customer is exempt (`tax_exempt`).
    case exempt
    /// No supply at all: dunning fees, default interest and passed-on return fees are damages
    /// (Schadensersatz), not consideration for a service, so no VAT arises (UStAE 1.3 (6)).
    case notTaxable

    public var rate: Int {
        if case .taxable(_, let rate) = self { return rate }
        return 0
    }

    /// EN 16931 VAT category code (BT-151): S standard, AE reverse charge, O outside scope, E exempt.
    public var categoryCode: String {
        switch self {
        case .taxable: "S"
        case .reverseCharge: "AE"
        case .outsideScope: "O"
        case .exempt: "E"
        case .notTaxable: "O"
        }
    }

    /// The note the invoice must carry instead of (or besides) a tax amount.
    public var note: String? {
        switch self {
        case .taxable: nil
        case .reverseCharge: "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge"
        case .outsideScope:
            "Nicht im Inland steuerbare Leistung / Not subject to VAT in the EU (place of supply abroad)"
        case .exempt: "Steuerfreie Leistung / VAT exempt"
        case .notTaxable: "Nicht steuerbarer Schadensersatz / Not subject to VAT (damages)"
        }
    }

    /// Stored form: `taxable:DE:1900`, `reverse_charge`, `outside_scope`, `exempt`.
    public var code: String {
        switch self {
        case .taxable(let country, let rate): "taxable:\(country):\(rate)"
        case .reverseCharge: "reverse_charge"
        case .outsideScope: "outside_scope"
        case .exempt: "exempt"
        case .notTaxable: "not_taxable"
        }
    }

    public init?(code: String) {
        switch code {
        case "reverse_charge": self = .reverseCharge
        case "outside_scope": self = .outsideScope
        case "exempt": self = .exempt
        case "not_taxable": self = .notTaxable
        default:
            let parts = code.split(separator: ":")
            guard parts.count == 3, parts[0] == "taxable", let rate = Int(parts[2]) else { return nil }
            self = .taxable(country: String(parts[1]), rate: rate)
        }
    }
}
