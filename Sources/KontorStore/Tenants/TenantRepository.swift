import Foundation
import KontorCore
import Logging
import NIOCore
import PostgresNIO

/// Tenants and their API keys.
public struct TenantRepository: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates a tenant with one API key; returns the key in clear (it is not stored so).
    public func create(
        name: String, livemode: Bool, isDefault: Bool = false, timeZone: String = "Europe/Berlin"
    ) async throws -> (Tenant, APIKey) {
        let tenant = Tenant(id: Identifier.make("ten"), name: name, livemode: livemode, timeZone: timeZone)
        let key = APIKey.generate(livemode: livemode)
        try await database.transaction { conn in
            _ = try await conn.query(
                """
                INSERT INTO tenants (tenant_id, name, livemode, time_zone, is_default)
                VALUES (\(tenant.id), \(name), \(livemode), \(timeZone), \(isDefault))
                """,
                logger: database.logger.forQuery
            )
            try await insertKey(key, tenant: tenant, on: conn)
        }
        return (tenant, key)
    }

    /// Adds a key to an existing tenant (key rotation, or a lost `.kontor/api-key`).
    public func issueKey(for tenant: Tenant) async throws -> APIKey {
        let key = APIKey.generate(livemode: tenant.livemode)
        try await database.transaction { conn in try await insertKey(key, tenant: tenant, on: conn) }
        return key
    }

    private func insertKey(_ key: APIKey, tenant: Tenant, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            INSERT INTO api_keys (tenant_id, key_id, key_hash, key_prefix, livemode)
            VALUES (\(tenant.id), \(Identifier.make("key")), \(ByteBuffer(bytes: key.hash)), \(key.displayPrefix), \(tenant.livemode))
            """,
            logger: database.logger.forQuery
        )
    }

    /// The tenant a clear key belongs to, or `nil` (unknown or revoked key).
    public func authenticate(secret: String) async throws -> Tenant? {
        let rows = try await database.client.query(
            """
            SELECT t.tenant_id, t.name, t.livemode, t.time_zone, t.test_clock_at
            FROM api_keys k JOIN tenants t ON t.tenant_id = k.tenant_id
            WHERE k.key_hash = \(ByteBuffer(bytes: APIKey.hash(secret))) AND k.revoked_at IS NULL
            """,
            logger: database.logger.forQuery
        )
        return try await Self.first(rows)
    }

    /// The tenant and the key's id for a clear key, or `nil` (unknown or revoked key).
    public func authenticateKey(secret: String) async throws -> (tenant: Tenant, keyID: String)? {
        let rows = try await database.client.query(
            """
            SELECT t.tenant_id, t.name, t.livemode, t.time_zone, t.test_clock_at, k.key_id
            FROM api_keys k JOIN tenants t ON t.tenant_id = k.tenant_id
            WHERE k.key_hash = \(ByteBuffer(bytes: APIKey.hash(secret))) AND k.revoked_at IS NULL
            """,
            logger: database.logger.forQuery
        )
        for try await r in rows.decode((String, String, Bool, String, Date?, String).self) {
            return (Tenant(id: r.0, name: r.1, livemode: r.2, timeZone: r.3, testClockAt: r.4), r.5)
        }
        return nil
    }

    /// Every tenant's id (for catalog sync and tenant-wide runs).
    public func allIDs() async throws -> [String] {
        let rows = try await database.client.query(
            "SELECT tenant_id FROM tenants ORDER BY tenant_id", logger: database.logger.forQuery)
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }

    public func find(_ id: String) async throws -> Tenant? {
        let rows = try await database.client.query(
            "SELECT tenant_id, name, livemode, time_zone, test_clock_at FROM tenants WHERE tenant_id = \(id)",
            logger: database.logger.forQuery
        )
        return try await Self.first(rows)
    }

    static let profileColumns = """
        tenant_id, name, legal_name, address, vat_id, home_country, time_zone, invoice_number_format,
        credit_note_number_format, payment_terms_days, livemode, test_clock_at, return_fee, datev_consultant,
        datev_client, fiscal_year_start_month, fee_item_number_format, tax_number, contact_name, contact_phone,
        contact_email, electronic_address, bank_iban, bank_bic, sepa_creditor_id, document_footer, mail_from_name,
        mail_from_address, write_off_approval_above, sepa_collection, sepa_prenotification_days,
        sepa_prenotification_agreed
        """

    /// The billing profile (seller fields, formats, test clock) of a tenant.
    public func profile(_ tenantID: String, on conn: PostgresConnection) async throws -> TenantProfile {
        let rows = try await conn.query(
            "SELECT \(unescaped: Self.profileColumns) FROM tenants WHERE tenant_id = \(tenantID)",
            logger: database.logger.forQuery
        )
        for try await r in rows.decode(
            (
                String, String, String?, String?, String?, String, String, String, String, Int, Bool, Date?, Int64,
                Int32, Int32, Int32, String, String?, String?, String?, String?, String?, String?, String?, String?,
                String?, String?, String?, Int64, String, Int32, Bool
            ).self
        ) {
            var profile = TenantProfile(
                tenantID: r.0, name: r.1, legalName: r.2, address: r.3, vatID: r.4, homeCountry: r.5, timeZone: r.6,
                invoiceNumberFormat: r.7, creditNoteNumberFormat: r.8, paymentTermsDays: r.9, livemode: r.10,
                testClockAt: r.11
            )
            profile.returnFee = r.12
            profile.writeOffApprovalAbove = r.28
            profile.sepaCollection = SEPACollectionMode(rawValue: r.29) ?? .gateway
            profile.sepaPreNotificationDays = Int(r.30)
            profile.sepaPreNotificationAgreed = r.31
            profile.datevConsultant = Int(r.13)
            profile.datevClient = Int(r.14)
            profile.fiscalYearStartMonth = Int(r.15)
            profile.feeItemNumberFormat = r.16
            profile.documents = SellerDocumentDetails(
                taxNumber: r.17, contactName: r.18, contactPhone: r.19, contactEmail: r.20, electronicAddress: r.21,
                bankIBAN: r.22, bankBIC: r.23, sepaCreditorID: r.24, documentFooter: r.25, mailFromName: r.26,
                mailFromAddress: r.27)
            return profile
        }
        throw StoreError.notFound
    }

    /// Sets the seller fields printed on invoices.
    public func updateSeller(
        _ tenantID: String, legalName: String?, address: String?, vatID: String?, homeCountry: String?
    ) async throws {
        _ = try await database.client.query(
            """
            UPDATE tenants SET legal_name = coalesce(\(legalName), legal_name), address = coalesce(\(address), address),
                vat_id = coalesce(\(vatID), vat_id), home_country = coalesce(\(homeCountry), home_country)
            WHERE tenant_id = \(tenantID)
            """,
            logger: database.logger.forQuery
        )
    }

    /// Sets the receivables settings given (nil leaves a setting as it is).
    public func updateSettings(
        _ tenantID: String, returnFee: Int64?, feeItemNumberFormat: String?, writeOffApprovalAbove: Int64? = nil,
        sepa: (collection: SEPACollectionMode?, days: Int?, agreed: Bool?) = (nil, nil, nil),
        on conn: PostgresConnection
    ) async throws {
        _ = try await conn.query(
            """
            UPDATE tenants SET return_fee = coalesce(\(returnFee), return_fee),
                write_off_approval_above = coalesce(\(writeOffApprovalAbove), write_off_approval_above),
                sepa_collection = coalesce(\(sepa.collection?.rawValue), sepa_collection),
                sepa_prenotification_days = coalesce(\(sepa.days.map(Int32.init)), sepa_prenotification_days),
                sepa_prenotification_agreed = coalesce(\(sepa.agreed), sepa_prenotification_agreed),
                fee_item_number_format = coalesce(\(feeItemNumberFormat), fee_item_number_format)
            WHERE tenant_id = \(tenantID)
            """,
            logger: database.logger.forQuery
        )
    }

    /// Sets the seller fields on the caller's transaction.
    public func updateSeller(
        _ tenantID: String, legalName: String?, address: String?, vatID: String?, on conn: PostgresConnection
    ) async throws {
        _ = try await conn.query(
            """
            UPDATE tenants SET legal_name = coalesce(\(legalName), legal_name), address = coalesce(\(address), address),
                vat_id = coalesce(\(vatID), vat_id)
            WHERE tenant_id = \(tenantID)
            """,
            logger: database.logger.forQuery
        )
    }

    /// Sets the seller's document details given (nil leaves a field as it is).
    public func updateDocumentDetails(
        _ tenantID: String, _ d: SellerDocumentDetails, on conn: PostgresConnection
    ) async throws {
        _ = try await conn.query(
            """
            UPDATE tenants SET tax_number = coalesce(\(d.taxNumber), tax_number),
                contact_name = coalesce(\(d.contactName), contact_name),
                contact_phone = coalesce(\(d.contactPhone), contact_phone),
                contact_email = coalesce(\(d.contactEmail), contact_email),
                electronic_address = coalesce(\(d.electronicAddress), electronic_address),
                bank_iban = coalesce(\(d.bankIBAN), bank_iban), bank_bic = coalesce(\(d.bankBIC), bank_bic),
                sepa_creditor_id = coalesce(\(d.sepaCreditorID), sepa_creditor_id),
                document_footer = coalesce(\(d.documentFooter), document_footer),
                mail_from_name = coalesce(\(d.mailFromName), mail_from_name),
                mail_from_address = coalesce(\(d.mailFromAddress), mail_from_address)
            WHERE tenant_id = \(tenantID)
            """,
            logger: database.logger.forQuery
        )
    }

    /// Sets the logo letters carry (JPEG bytes, checked by the caller).
    public func setLogo(_ tenantID: String, _ jpeg: [UInt8], on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            "UPDATE tenants SET logo = \(ByteBuffer(bytes: jpeg)) WHERE tenant_id = \(tenantID)",
            logger: database.logger.forQuery)
    }

    /// The tenant's logo, if it has one: read only when a letter is rendered, never with the
    /// profile every operation reads.
    public func logo(_ tenantID: String, on conn: PostgresConnection) async throws -> [UInt8]? {
        let rows = try await conn.query(
            "SELECT logo FROM tenants WHERE tenant_id = \(tenantID)", logger: database.logger.forQuery)
        for try await logo in rows.decode(ByteBuffer?.self) { return logo.map { Array($0.readableBytesView) } }
        return nil
    }

    /// Moves a test-mode tenant's clock (never a live one: the table refuses it).
    public func setTestClock(_ tenantID: String, to instant: Date, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            "UPDATE tenants SET test_clock_at = \(instant) WHERE tenant_id = \(tenantID) AND NOT livemode",
            logger: database.logger.forQuery
        )
    }

    /// Whether the tenant has billed anything yet (a subscription or an invoice): after that, a
    /// test clock only moves forward.
    public func hasBillingHistory(_ tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            SELECT EXISTS (SELECT 1 FROM subscriptions WHERE tenant_id = \(tenantID))
                OR EXISTS (SELECT 1 FROM invoices WHERE tenant_id = \(tenantID))
            """,
            logger: database.logger.forQuery
        )
        for try await used in rows.decode(Bool.self) { return used }
        return false
    }

    /// The default tenant that `kontor serve` made on its first start, if any.
    public func defaultTenant() async throws -> Tenant? {
        let rows = try await database.client.query(
            "SELECT tenant_id, name, livemode, time_zone, test_clock_at FROM tenants WHERE is_default",
            logger: database.logger.forQuery
        )
        return try await Self.first(rows)
    }

    /// The first row of `tenant_id, name, livemode, time_zone, test_clock_at` as a tenant.
    static func first(_ rows: PostgresRowSequence) async throws -> Tenant? {
        for try await (id, name, livemode, zone, clock) in rows.decode((String, String, Bool, String, Date?).self) {
            return Tenant(id: id, name: name, livemode: livemode, timeZone: zone, testClockAt: clock)
        }
        return nil
    }
}
