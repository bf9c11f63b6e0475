import KontorCore

/// An invoice or credit note as EN 16931 sees it: the business terms (BT-…) both syntaxes
/// write, CII (`CIIWriter`) and UBL (`UBLWriter`). Amounts are minor units of `currency`.
/// Built from an issued document by `EInvoice(invoice:…)` / `EInvoice(creditNote:…)`.
public struct EInvoice: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case invoice
        case creditNote

        /// BT-3: 380 commercial invoice, 381 credit note (UNTDID 1001).
        public var typeCode: String { self == .invoice ? "380" : "381" }
    }

    public struct Contact: Sendable, Equatable {
        public var name: String?
        public var phone: String?
        public var email: String?

        public init(name: String? = nil, phone: String? = nil, email: String? = nil) {
            self.name = name
            self.phone = phone
            self.email = email
        }
    }

    /// Seller (BG-4) or buyer (BG-7).
    public struct Party: Sendable, Equatable {
        public var name: String
        public var address: PostalAddress
        /// BT-31 / BT-48.
        public var vatID: String?
        /// BT-32: the seller's tax number (Steuernummer), scheme FC.
        public var taxNumber: String?
        /// BT-29 / BT-46.
        public var identifier: String?
        /// BT-34 / BT-49, an e-mail address (scheme EM).
        public var electronicAddress: String?
        public var contact: Contact?

        public init(
            name: String, address: PostalAddress, vatID: String? = nil, taxNumber: String? = nil,
            identifier: String? = nil, electronicAddress: String? = nil, contact: Contact? = nil
        ) {
            self.name = name
            self.address = address
            self.vatID = vatID
            self.taxNumber = taxNumber
            self.identifier = identifier
            self.electronicAddress = electronicAddress
            self.contact = contact
        }
    }

    /// BG-25.
    public struct Line: Sendable, Equatable {
        public var id: String
        public var name: String
        /// BT-129, in thousandths (3 decimals) — so a negative line (a proration credit) has a
        /// negative quantity and a non-negative price (BR-27).
        public var quantityMilli: Int64
        /// BT-130, UN/ECE Rec 20 (C62 one, HUR hour, …).
        public var unitCode: String
        /// BT-146, in ten-thousandths of a minor unit (4 more decimals than the currency has).
        public var netPriceScaled: Int64
        /// BT-131.
        public var netAmount: Int64
        public var category: VATCategory
        /// BT-152 in basis points (1900 = 19 %).
        public var rate: Int
        /// BG-26.
        public var period: BillingPeriod?
    }

    /// BG-23: one per category and rate.
    public struct TaxGroup: Sendable, Equatable {
        public var category: VATCategory
        public var rate: Int
        public var basis: Int64
        public var tax: Int64
    }

    /// BG-16.
    public struct PaymentMeans: Sendable, Equatable {
        /// BT-81: 58 SEPA credit transfer, 59 SEPA direct debit, 48 card, 54 credit card.
        public var code: String
        public var iban: String?
        public var bic: String?
        public var accountName: String?
        /// BT-89: the SEPA mandate reference (direct debit).
        public var mandateReference: String?
        /// BT-90: the seller's SEPA creditor identifier (direct debit).
        public var creditorID: String?
        /// BT-91: the debited account (direct debit).
        public var debitedIBAN: String?
        /// The day the direct debit is collected (the pre-notification's date; nil: the due date).
        public var debitOn: LocalDate?

        public init(
            code: String, iban: String? = nil, bic: String? = nil, accountName: String? = nil,
            mandateReference: String? = nil, creditorID: String? = nil, debitedIBAN: String? = nil
        ) {
            self.code = code
            self.iban = iban
            self.bic = bic
            self.accountName = accountName
            self.mandateReference = mandateReference
            self.creditorID = creditorID
            self.debitedIBAN = debitedIBAN
        }
    }

    public var kind: Kind
    /// BT-1.
    public var number: String
    /// BT-2.
    public var issueDate: LocalDate
    public var currency: Currency
    /// BT-22.
    public var notes: [String]
    /// BT-10: the buyer's reference (a Leitweg-ID for public buyers).
    public var buyerReference: String
    /// BT-13.
    public var orderReference: String?
    /// BG-14.
    public var period: BillingPeriod?
    public var seller: Party
    public var buyer: Party
    public var lines: [Line]
    public var taxGroups: [TaxGroup]
    /// BT-106 = BT-109 (no document-level allowances or charges).
    public var lineTotal: Int64
    /// BT-110.
    public var taxTotal: Int64
    /// BT-112.
    public var grandTotal: Int64
    /// BT-113: paid before this document (customer credit applied at issue, earlier payments).
    public var prepaid: Int64
    /// BT-9.
    public var dueDate: LocalDate?
    /// BT-20.
    public var paymentTerms: String?
    public var paymentMeans: PaymentMeans?
    /// BG-3: the invoice a credit note corrects.
    public var precedingInvoice: InvoiceReference?

    public struct InvoiceReference: Sendable, Equatable {
        public var number: String
        public var issueDate: LocalDate

        public init(number: String, issueDate: LocalDate) {
            self.number = number
            self.issueDate = issueDate
        }
    }

    /// BT-115.
    public var amountDue: Int64 { grandTotal - prepaid }

    /// BT-72, the date of supply (§ 14 (4) no. 6 UStG): the last day of the period invoiced —
    /// Kontor invoices a period once it is delivered — or the issue date.
    public var deliveryDate: LocalDate { period.map { $0.end.adding(days: -1) } ?? issueDate }
}

/// BT-151 / BT-118: the UNCL 5305 VAT category, with the exemption reason EN 16931 requires for
/// the zero-rated ones (BT-120 text, BT-121 VATEX code).
public enum VATCategory: String, Sendable, Equatable, CaseIterable {
    case standard = "S"
    case zeroRated = "Z"
    case exempt = "E"
    case reverseCharge = "AE"
    case intraCommunity = "K"
    case export = "G"
    case outsideScope = "O"

    public init(_ treatment: TaxTreatment, rate: Int) {
        switch treatment {
        case .taxable: self = rate > 0 ? .standard : .zeroRated
        case .reverseCharge: self = .reverseCharge
        case .outsideScope, .notTaxable: self = .outsideScope
        case .exempt: self = .exempt
        }
    }

    /// BT-121.
    public var exemptionCode: String? {
        switch self {
        case .reverseCharge: "VATEX-EU-AE"
        case .intraCommunity: "VATEX-EU-IC"
        case .export: "VATEX-EU-G"
        case .outsideScope: "VATEX-EU-O"
        case .standard, .zeroRated, .exempt: nil
        }
    }

    /// BT-120.
    public var exemptionReason: String? {
        switch self {
        case .reverseCharge: "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge"
        case .intraCommunity: "Innergemeinschaftliche Lieferung / Intra-Community supply"
        case .export: "Ausfuhrlieferung / Export outside the EU"
        case .outsideScope: "Nicht im Inland steuerbar / Not subject to VAT"
        case .exempt: "Steuerfreie Leistung / VAT exempt"
        case .standard, .zeroRated: nil
        }
    }

    /// Whether a rate is stated (BR-O-05: not outside the scope of VAT).
    public var hasRate: Bool { self != .outsideScope }

    /// Whether this category carries VAT identifiers of seller and buyer (BR-O-02 forbids them
    /// on documents outside the scope of VAT).
    public var allowsVATIdentifiers: Bool { self != .outsideScope }
}

/// The version of what the writers produce (the CII and UBL writers, the PDF letters and
/// their fonts). Archived documents carry it; a change that changes bytes bumps it —
/// documents already archived stay as they were. History: `einvoice-1` the XML writers,
/// `documents-2` with the PDF/A-3 letters.
public enum DocumentTemplate {
    public static let version = "documents-3"
}

extension EInvoice {
    /// What XRechnung 3.0 requires beyond EN 16931 and this document lacks, as the fields to
    /// set (tenant fields, or `customer.…`): the seller's contact with name, telephone and
    /// e-mail (BR-DE-2, -5, -6, -7), both electronic addresses (BT-34, BT-49), postcode and city
    /// of both parties (BR-DE-3, -4, -8, -9) and payment instructions (BR-DE-1). Empty: the UBL
    /// document may claim XRechnung.
    public var xrechnungGaps: [String] {
        var gaps: [String] = []
        if seller.contact?.name == nil { gaps.append("contact_name") }
        if seller.contact?.phone == nil { gaps.append("contact_phone") }
        if seller.contact?.email == nil { gaps.append("contact_email") }
        if seller.electronicAddress == nil { gaps.append("electronic_address") }
        if kind == .invoice && paymentMeans == nil { gaps.append("bank_iban") }
        if buyer.electronicAddress == nil { gaps.append("customer.email") }
        if buyer.address.postcode == nil || buyer.address.city == nil { gaps.append("customer.address") }
        return gaps
    }
}
