import Foundation

/// What a tenant needs to bill: the seller fields of §14 Abs. 4 UStG, its home country for VAT,
/// its number formats and default payment terms, and its test clock.
public struct TenantProfile: Sendable, Equatable {
    public var tenantID: String
    public var name: String
    public var legalName: String?
    public var address: String?
    public var vatID: String?
    public var homeCountry: String
    public var timeZone: String
    public var invoiceNumberFormat: String
    public var creditNoteNumberFormat: String
    public var paymentTermsDays: Int
    public var livemode: Bool
    public var testClockAt: Date?
    /// The bank's fee for a returned debit, charged on to the customer (0: none).
    public var returnFee: Int64 = 0
    /// Write-offs above this amount (minor units) need a second person.
    public var writeOffApprovalAbove: Int64 = 25000
    /// Through the gateway or by the tenant's own bank (pain.008 files).
    public var sepaCollection: SEPACollectionMode = .gateway
    /// Days between telling the debtor of a debit and collecting it.
    public var sepaPreNotificationDays = SEPACollectionDate.defaultPreNotificationDays
    /// Whether the tenant agreed a period shorter than 14 days with its debtors.
    public var sepaPreNotificationAgreed = false
    public var datevConsultant: Int = 1001
    public var datevClient: Int = 1
    public var fiscalYearStartMonth: Int = 1
    /// Number format of fee items (dunning fees, interest, return fees): their own series.
    public var feeItemNumberFormat: String = "GB-{YYYY}-{seq:06}"
    /// What e-invoices say about the seller besides name, address and VAT ID.
    public var documents = SellerDocumentDetails()

    /// The name printed as seller: the legal name when set.
    public var sellerName: String { legalName ?? name }

    public var zone: TimeZone { TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")! }

    public init(
        tenantID: String, name: String, legalName: String? = nil, address: String? = nil, vatID: String? = nil,
        homeCountry: String, timeZone: String, invoiceNumberFormat: String, creditNoteNumberFormat: String,
        paymentTermsDays: Int, livemode: Bool, testClockAt: Date? = nil, returnFee: Int64 = 0,
        datevConsultant: Int = 1001, datevClient: Int = 1, fiscalYearStartMonth: Int = 1
    ) {
        self.tenantID = tenantID
        self.name = name
        self.legalName = legalName
        self.address = address
        self.vatID = vatID
        self.homeCountry = homeCountry
        self.timeZone = timeZone
        self.invoiceNumberFormat = invoiceNumberFormat
        self.creditNoteNumberFormat = creditNoteNumberFormat
        self.paymentTermsDays = paymentTermsDays
        self.livemode = livemode
        self.testClockAt = testClockAt
        self.returnFee = returnFee
        self.datevConsultant = datevConsultant
        self.datevClient = datevClient
        self.fiscalYearStartMonth = fiscalYearStartMonth
    }
}

/// The seller's details e-invoices carry beyond name, address and VAT ID (all optional).
public struct SellerDocumentDetails: Sendable, Equatable {
    /// Steuernummer (BT-32).
    public var taxNumber: String?
    public var contactName: String?
    public var contactPhone: String?
    public var contactEmail: String?
    /// BT-34, an e-mail address; the contact e-mail when not set.
    public var electronicAddress: String?
    public var bankIBAN: String?
    public var bankBIC: String?
    /// The SEPA creditor identifier (Gläubiger-ID, BT-90).
    public var sepaCreditorID: String?
    /// A line at the foot of every letter (register court, managing directors, …).
    public var documentFooter: String?
    /// Who e-mails come from (the legal name and `contactEmail` when not set).
    public var mailFromName: String?
    public var mailFromAddress: String?

    public init(
        taxNumber: String? = nil, contactName: String? = nil, contactPhone: String? = nil,
        contactEmail: String? = nil, electronicAddress: String? = nil, bankIBAN: String? = nil,
        bankBIC: String? = nil, sepaCreditorID: String? = nil, documentFooter: String? = nil,
        mailFromName: String? = nil, mailFromAddress: String? = nil
    ) {
        self.mailFromName = mailFromName
        self.mailFromAddress = mailFromAddress
        self.taxNumber = taxNumber
        self.contactName = contactName
        self.contactPhone = contactPhone
        self.contactEmail = contactEmail
        self.electronicAddress = electronicAddress
        self.bankIBAN = bankIBAN
        self.bankBIC = bankBIC
        self.sepaCreditorID = sepaCreditorID
        self.documentFooter = documentFooter
    }
}
