import Foundation
import KontorCore
import KontorDocuments
import KontorStore

/// The settings a merchant changes itself (`PATCH /v1/tenant`, `kontor tenants update`).
/// Absent fields stay as they are.
public struct TenantSettingsInput: Sendable {
    /// The bank's fee for a returned debit, charged on to the customer (minor units, 0: none).
    public var returnFee: Int64?
    /// Write-offs above this need a second person (minor units).
    public var writeOffApprovalAbove: Int64?
    /// `gateway` or `bank_file` (as the API spells it; checked by `validate`).
    public var sepaCollection: String?
    public var sepaPreNotificationDays: Int64?
    public var sepaPreNotificationAgreed: Bool?
    public var feeItemNumberFormat: String?
    public var legalName: String?
    public var address: String?
    public var vatID: String?
    /// What e-invoices say about the seller besides the above.
    public var documents = SellerDocumentDetails()
    /// The logo for letters: a JPEG (gray or RGB), base64 in the API.
    public var logoBase64: String?

    public init() {}

    /// The largest logo accepted: a letter with it stays a small file.
    public static let maxLogoBytes = 32 * 1024

    /// The decoded, checked logo; nil when none was given or it is not acceptable.
    public var logo: JPEGImage? {
        guard let logoBase64, let data = Data(base64Encoded: logoBase64), data.count <= Self.maxLogoBytes else {
            return nil
        }
        return try? JPEGImage(bytes: [UInt8](data))
    }

    /// Checks every field; errors name them as the API spells them.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if let returnFee, !(0...100_000).contains(returnFee) {
            errors.append(FieldError(field: "return_fee", message: "must be 0 to 100000 minor units"))
        }
        if let writeOffApprovalAbove, !(0...100_000_000_000).contains(writeOffApprovalAbove) {
            errors.append(
                FieldError(field: "write_off_approval_above", message: "must be 0 to 100000000000 minor units"))
        }
        if let sepaCollection, SEPACollectionMode(rawValue: sepaCollection) == nil {
            errors.append(FieldError(field: "sepa_collection", message: "must be gateway or bank_file"))
        }
        if let days = sepaPreNotificationDays, !SEPAPreNotification.allowedDays.contains(Int(clamping: days)) {
            errors.append(FieldError(field: "sepa_prenotification_days", message: "must be 1 to 30 days"))
        }
        if let feeItemNumberFormat {
            do { _ = try InvoiceNumberFormat(feeItemNumberFormat) } catch {
                errors.append(
                    FieldError(field: "fee_item_number_format", message: error.errors.first?.message ?? "is invalid"))
            }
        }
        if let legalName, legalName.isEmpty || legalName.count > 200 {
            errors.append(FieldError(field: "legal_name", message: "must be 1 to 200 characters"))
        }
        if let address, address.isEmpty || address.count > 500 {
            errors.append(FieldError(field: "address", message: "must be 1 to 500 characters"))
        }
        if let vatID, (try? VATID(vatID)) == nil {
            errors.append(FieldError(field: "vat_id", message: "is not a valid EU VAT ID"))
        }
        if logoBase64 != nil && logo == nil {
            errors.append(
                FieldError(
                    field: "logo",
                    message: "must be a base64 JPEG (gray or RGB) of at most \(Self.maxLogoBytes / 1024) KB"))
        }
        return errors + Self.validate(documents)
    }

    static func validate(_ d: SellerDocumentDetails) -> [FieldError] {
        var errors: [FieldError] = []
        func text(_ value: String?, _ field: String, max: Int) {
            if let value, value.isEmpty || value.count > max {
                errors.append(FieldError(field: field, message: "must be 1 to \(max) characters"))
            }
        }
        text(d.taxNumber, "tax_number", max: 40)
        text(d.documentFooter, "document_footer", max: 300)
        text(d.mailFromName, "mail_from_name", max: 100)
        if let name = d.mailFromName, name.contains(where: { $0.isNewline || $0 == "\"" || $0 == "<" || $0 == ">" }) {
            errors.append(FieldError(field: "mail_from_name", message: "must be one line without \" < >"))
        }
        text(d.contactName, "contact_name", max: 200)
        text(d.contactPhone, "contact_phone", max: 40)
        if let phone = d.contactPhone, !phone.allSatisfy({ $0.isNumber || " +-/()".contains($0) }) {
            errors.append(FieldError(field: "contact_phone", message: "may hold only digits, spaces and + - / ( )"))
        }
        for (value, field) in [
            (d.contactEmail, "contact_email"), (d.electronicAddress, "electronic_address"),
            (d.mailFromAddress, "mail_from_address"),
        ] {
            if let value, EmailAddress(value) == nil {
                errors.append(FieldError(field: field, message: "is not an e-mail address"))
            }
        }
        if let iban = d.bankIBAN, (try? IBAN(iban)) == nil {
            errors.append(FieldError(field: "bank_iban", message: "is not a valid IBAN"))
        }
        if let bic = d.bankBIC, !BIC.isValid(bic) {
            errors.append(FieldError(field: "bank_bic", message: "is not a BIC (8 or 11 letters and digits)"))
        }
        if let id = d.sepaCreditorID, !SEPACreditorID.isValid(id) {
            errors.append(FieldError(field: "sepa_creditor_id", message: "is not a SEPA creditor identifier"))
        }
        return errors
    }
}

/// The tenant object: who bills, and the receivables settings.
public struct TenantJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "tenant"
    public var name: String
    public var legalName: String?
    public var address: String?
    public var vatId: String?
    public var homeCountry: String
    public var timeZone: String
    public var livemode: Bool
    public var paymentTermsDays: Int
    public var returnFee: Int64
    public var writeOffApprovalAbove: Int64
    public var sepaCollection: String
    public var sepaPrenotificationDays: Int
    public var sepaPrenotificationAgreed: Bool
    public var invoiceNumberFormat: String
    public var creditNoteNumberFormat: String
    public var feeItemNumberFormat: String
    public var taxNumber: String?
    public var contactName: String?
    public var contactPhone: String?
    public var contactEmail: String?
    public var electronicAddress: String?
    public var bankIban: String?
    public var bankBic: String?
    public var sepaCreditorId: String?
    public var documentFooter: String?
    /// Who e-mails come from: this name and address, else the legal name and `contact_email`.
    public var mailFromName: String?
    public var mailFromAddress: String?

    public init(_ p: TenantProfile) {
        id = p.tenantID
        name = p.name
        legalName = p.legalName
        address = p.address
        vatId = p.vatID
        homeCountry = p.homeCountry
        timeZone = p.timeZone
        livemode = p.livemode
        paymentTermsDays = p.paymentTermsDays
        returnFee = p.returnFee
        writeOffApprovalAbove = p.writeOffApprovalAbove
        sepaCollection = p.sepaCollection.rawValue
        sepaPrenotificationDays = p.sepaPreNotificationDays
        sepaPrenotificationAgreed = p.sepaPreNotificationAgreed
        invoiceNumberFormat = p.invoiceNumberFormat
        creditNoteNumberFormat = p.creditNoteNumberFormat
        feeItemNumberFormat = p.feeItemNumberFormat
        taxNumber = p.documents.taxNumber
        contactName = p.documents.contactName
        contactPhone = p.documents.contactPhone
        contactEmail = p.documents.contactEmail
        electronicAddress = p.documents.electronicAddress
        bankIban = p.documents.bankIBAN
        bankBic = p.documents.bankBIC
        sepaCreditorId = p.documents.sepaCreditorID
        documentFooter = p.documents.documentFooter
        mailFromName = p.documents.mailFromName
        mailFromAddress = p.documents.mailFromAddress
    }
}

/// The tenant's own settings: read and changed as operations of that tenant.
public struct TenantService: Sendable {
    let operations: OperationRunner
    let tenants: TenantRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.tenants = TenantRepository(database: database)
    }

    /// The tenant with this id, or nil (what the CLI's `--tenant` names).
    public func find(_ tenantID: String) async throws -> Tenant? {
        try await tenants.find(tenantID)
    }

    /// The SEPA settings as they will be after `input`: a period under 14 days only when agreed;
    /// collecting by bank file only with a creditor identifier and the account the bank credits.
    static func checkSEPA(_ input: TenantSettingsInput, against profile: TenantProfile) throws {
        let days = input.sepaPreNotificationDays.map { Int($0) } ?? profile.sepaPreNotificationDays
        let agreed = input.sepaPreNotificationAgreed ?? profile.sepaPreNotificationAgreed
        var errors: [FieldError] = []
        if let problem = SEPAPreNotification.problem(days: days, agreed: agreed) {
            errors.append(FieldError(field: "sepa_prenotification_days", message: problem))
        }
        let mode = input.sepaCollection.flatMap(SEPACollectionMode.init(rawValue:)) ?? profile.sepaCollection
        if mode == .bankFile {
            if (input.documents.sepaCreditorID ?? profile.documents.sepaCreditorID) == nil {
                errors.append(
                    FieldError(field: "sepa_collection", message: "bank_file needs sepa_creditor_id to be set"))
            }
            if (input.documents.bankIBAN ?? profile.documents.bankIBAN) == nil {
                errors.append(
                    FieldError(
                        field: "sepa_collection", message: "bank_file needs bank_iban (the account collected into)"))
            }
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
    }

    public func get(_ tenant: Tenant) async throws -> TenantProfile {
        try await operations.read(tenant) { try await $0.profile() }
    }

    /// Validates everything first; then one operation.
    public func update(_ tenant: Tenant, _ input: TenantSettingsInput) async throws -> TenantProfile {
        let errors = input.validate()
        guard errors.isEmpty else { throw ValidationError(errors) }
        return try await operations.run(tenant) { op in
            try Self.checkSEPA(input, against: try await op.profile())
            try await tenants.updateSettings(
                tenant.id, returnFee: input.returnFee, feeItemNumberFormat: input.feeItemNumberFormat,
                writeOffApprovalAbove: input.writeOffApprovalAbove,
                sepa: (
                    input.sepaCollection.flatMap(SEPACollectionMode.init(rawValue:)),
                    input.sepaPreNotificationDays.map { Int($0) }, input.sepaPreNotificationAgreed
                ), on: op.connection)
            try await tenants.updateSeller(
                tenant.id, legalName: input.legalName, address: input.address,
                vatID: input.vatID.flatMap { try? VATID($0).description }, on: op.connection)
            var documents = input.documents
            documents.bankIBAN = documents.bankIBAN.flatMap { try? IBAN($0).value }
            documents.bankBIC = documents.bankBIC?.uppercased()
            documents.sepaCreditorID = documents.sepaCreditorID?.uppercased()
            try await tenants.updateDocumentDetails(tenant.id, documents, on: op.connection)
            if let logo = input.logo { try await tenants.setLogo(tenant.id, logo.bytes, on: op.connection) }
            // Read after the change (the context's profile is the one before it).
            return try await tenants.profile(tenant.id, on: op.connection)
        }
    }
}
