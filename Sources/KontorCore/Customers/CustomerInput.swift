/// Untrusted customer fields as a client sent them (after JSON decoding, before any check).
///
/// `nil` means "not given". For a patch, a `.some(nil)` field (JSON `null`) clears it.
public struct CustomerInput: Sendable, Equatable {
    public var name: String??
    public var email: String??
    public var externalID: String??
    public var kind: String?
    public var addressLine1: String??
    public var addressLine2: String??
    public var postalCode: String??
    public var city: String??
    public var country: String??
    public var taxID: String??
    public var taxExempt: Bool?
    public var currency: String??
    public var dunningPolicy: String??
    public var metadata: [String: String]?
    public var leitwegID: String??
    public var locale: String??
    public var invoiceDelivery: String?

    public init() {}
}

/// A customer's validated fields. Built only by `CustomerRules`, so every instance holds
/// checked values: a known kind, an ISO country, an ISO currency, a VAT ID with valid
/// check digits.
/// What a customer wants their invoices as.
public enum InvoiceDelivery: String, Sendable, Equatable, CaseIterable {
    case pdf
    case xrechnung
}

public struct CustomerFields: Sendable, Equatable {
    public var name: String?
    public var email: EmailAddress?
    public var externalID: String?
    public var kind: CustomerKind
    public var addressLine1: String?
    public var addressLine2: String?
    public var postalCode: String?
    public var city: String?
    public var country: CountryCode?
    public var taxID: VATID?
    public var taxExempt: Bool
    public var currency: Currency?
    public var dunningPolicy: String?
    public var metadata: [String: String]
    /// A public buyer's Leitweg-ID: the buyer reference of its e-invoices.
    public var leitwegID: LeitwegID?
    /// The language of the customer's documents (`de` when not set).
    public var locale: LanguageTag?
    /// How invoices and credit notes are e-mailed: the PDF (with the embedded e-invoice), or the
    /// XRechnung file only.
    public var invoiceDelivery: InvoiceDelivery = .pdf

    public init(
        name: String? = nil, email: EmailAddress? = nil, externalID: String? = nil, kind: CustomerKind = .consumer,
        addressLine1: String? = nil, addressLine2: String? = nil, postalCode: String? = nil, city: String? = nil,
        country: CountryCode? = nil, taxID: VATID? = nil, taxExempt: Bool = false, currency: Currency? = nil,
        dunningPolicy: String? = nil, metadata: [String: String] = [:], leitwegID: LeitwegID? = nil,
        locale: LanguageTag? = nil
    ) {
        self.name = name
        self.email = email
        self.externalID = externalID
        self.kind = kind
        self.addressLine1 = addressLine1
        self.addressLine2 = addressLine2
        self.postalCode = postalCode
        self.city = city
        self.country = country
        self.taxID = taxID
        self.taxExempt = taxExempt
        self.currency = currency
        self.dunningPolicy = dunningPolicy
        self.metadata = metadata
        self.leitwegID = leitwegID
        self.locale = locale
    }
}
