import Foundation
import KontorCore
import KontorStore

/// The settings a merchant changes itself (`PATCH /v1/tenant`, `kontor tenants update`).
/// Absent fields stay as they are.
public struct TenantSettingsInput: Sendable {
    /// The bank's fee for a returned debit, charged on to the customer (minor units, 0: none).
    public var returnFee: Int64?
    public var feeItemNumberFormat: String?
    public var legalName: String?
    public var address: String?
    public var vatID: String?

    public init() {}

    /// Checks every field; errors name them as the API spells them.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if let returnFee, !(0...100_000).contains(returnFee) {
            errors.append(FieldError(field: "return_fee", message: "must be 0 to 100000 minor units"))
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
    public var invoiceNumberFormat: String
    public var creditNoteNumberFormat: String
    public var feeItemNumberFormat: String

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
        invoiceNumberFormat = p.invoiceNumberFormat
        creditNoteNumberFormat = p.creditNoteNumberFormat
        feeItemNumberFormat = p.feeItemNumberFormat
    }
}

public struct TenantService: Sendable {
    let database: Database
    let tenants: TenantRepository

    public init(database: Database) {
        self.database = database
        self.tenants = TenantRepository(database: database)
    }

    public func get(_ tenantID: String) async throws -> TenantProfile {
        try await database.withConnection { try await tenants.profile(tenantID, on: $0) }
    }

    /// Validates everything first; then one transaction.
    public func update(_ tenantID: String, _ input: TenantSettingsInput) async throws -> TenantProfile {
        let errors = input.validate()
        guard errors.isEmpty else { throw ValidationError(errors) }
        return try await database.transaction { conn in
            try await tenants.updateSettings(
                tenantID, returnFee: input.returnFee, feeItemNumberFormat: input.feeItemNumberFormat, on: conn)
            try await tenants.updateSeller(
                tenantID, legalName: input.legalName, address: input.address,
                vatID: input.vatID.flatMap { try? VATID($0).description }, on: conn)
            return try await tenants.profile(tenantID, on: conn)
        }
    }
}
