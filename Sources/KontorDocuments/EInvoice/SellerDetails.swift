import KontorCore

/// Who issues the documents: the tenant's seller details, as `PATCH /v1/tenant` sets them.
public struct SellerDetails: Sendable, Equatable {
    public var name: String?
    /// The printed address lines (street, postcode and city, country).
    public var address: String?
    public var country: String
    public var vatID: String?
    public var taxNumber: String?
    public var contactName: String?
    public var phone: String?
    public var email: String?
    /// BT-34; the contact e-mail when not set.
    public var electronicAddress: String?
    public var iban: String?
    public var bic: String?
    public var creditorID: String?

    public init(
        name: String?, address: String?, country: String, vatID: String? = nil, taxNumber: String? = nil,
        contactName: String? = nil, phone: String? = nil, email: String? = nil, electronicAddress: String? = nil,
        iban: String? = nil, bic: String? = nil, creditorID: String? = nil
    ) {
        self.name = name
        self.address = address
        self.country = country
        self.vatID = vatID
        self.taxNumber = taxNumber
        self.contactName = contactName
        self.phone = phone
        self.email = email
        self.electronicAddress = electronicAddress
        self.iban = iban
        self.bic = bic
        self.creditorID = creditorID
    }

    /// The tenant fields (as the API names them) a valid e-invoice needs and this seller lacks:
    /// a name, an address with postcode and city, and a VAT ID or tax number (BR-CO-26, § 14
    /// (4) UStG). Empty: documents can be made.
    public var missingFields: [String] {
        var missing: [String] = []
        if (name ?? "").isEmpty { missing.append("legal_name") }
        let address = PostalAddress(text: address, country: country)
        if address.lines.isEmpty || address.postcode == nil || address.city == nil { missing.append("address") }
        if vatID == nil && taxNumber == nil { missing.append("vat_id") }
        return missing
    }
}

/// What the document says about the buyer beyond the invoice's own snapshot.
public struct BuyerDetails: Sendable, Equatable {
    /// BT-10: the Leitweg-ID of a public buyer, or the buyer's own reference.
    public var reference: String?
    /// BT-13.
    public var orderReference: String?
    /// BT-49 (an e-mail address).
    public var electronicAddress: String?
    /// How the buyer pays: a SEPA mandate makes the document a direct-debit notice (code 59).
    public var mandate: (reference: String, iban: String)?
    /// The customer's `locale`: the language of the PDF.
    public var locale: String?
    /// The day a direct debit is collected, when it differs from the due date (a tenant that
    /// collects by bank file: pre-notification period, TARGET2 business day).
    public var debitOn: LocalDate?

    public init(
        reference: String? = nil, orderReference: String? = nil, electronicAddress: String? = nil,
        mandate: (reference: String, iban: String)? = nil, locale: String? = nil
    ) {
        self.locale = locale
        self.reference = reference
        self.orderReference = orderReference
        self.electronicAddress = electronicAddress
        self.mandate = mandate
    }

    public static func == (a: BuyerDetails, b: BuyerDetails) -> Bool {
        a.reference == b.reference && a.orderReference == b.orderReference
            && a.electronicAddress == b.electronicAddress && a.mandate?.reference == b.mandate?.reference
            && a.mandate?.iban == b.mandate?.iban && a.locale == b.locale && a.debitOn == b.debitOn
    }
}
