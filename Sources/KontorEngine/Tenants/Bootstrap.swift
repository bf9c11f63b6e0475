import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// What `kontor serve` does before it listens: migrate, then make sure there is a default
/// test-mode tenant whose key is in `.kontor/api-key`.
public struct Bootstrap: Sendable {
    public let database: Database
    public let migrations: [MigrationFile]
    let tenants: TenantRepository

    public init(database: Database, migrations: [MigrationFile]) {
        self.database = database
        self.migrations = migrations
        self.tenants = TenantRepository(database: database)
    }

    public func migrate() async throws {
        try await Migrator(files: migrations).migrate(database.client, logger: database.logger)
    }

    /// Returns the default tenant's key. On the first start the tenant is created and its key
    /// written to `keyFile` (mode 0600); later starts read the file back. If the file was lost,
    /// a new key is issued for the existing tenant.
    public func ensureDefaultTenant(keyFile: URL) async throws -> (tenant: Tenant, key: String, created: Bool) {
        if let tenant = try await tenants.defaultTenant() {
            if let saved = try? String(contentsOf: keyFile, encoding: .utf8).trimmingCharacters(
                in: .whitespacesAndNewlines),
                try await tenants.authenticate(secret: saved)?.id == tenant.id
            {
                return (tenant, saved, false)
            }
            let key = try await tenants.issueKey(for: tenant)
            try Self.writeSecret(key.secret, to: keyFile)
            return (tenant, key.secret, true)
        }
        let (tenant, key) = try await tenants.create(name: "Default (test mode)", livemode: false, isDefault: true)
        // Placeholder seller fields so test invoices carry every §14 field; set real ones with
        // `kontor tenants create --legal-name … --address … --vat-id …` for a live tenant.
        try await tenants.updateSeller(
            tenant.id, legalName: "Kontor Test Merchant GmbH", address: "Musterstraße 1\n10115 Berlin\nDE",
            vatID: "DE136695976", homeCountry: "DE"
        )
        // …and sample document details, so its e-invoices are complete at once (the IBAN and
        // the creditor id are the banks' published examples).
        try await database.transaction { conn in
            try await tenants.updateDocumentDetails(
                tenant.id,
                SellerDocumentDetails(
                    taxNumber: "30/123/45678", contactName: "Erika Mustermann", contactPhone: "+49 30 1234567",
                    contactEmail: "billing@merchant.example", bankIBAN: "DE02120300000000202051",
                    bankBIC: "BYLADEM1001", sepaCreditorID: "DE98ZZZ09999999999"), on: conn)
        }
        try Self.writeSecret(key.secret, to: keyFile)
        return (tenant, key.secret, true)
    }

    static func writeSecret(_ secret: String, to file: URL) throws {
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        if FileManager.default.fileExists(atPath: file.path) { try FileManager.default.removeItem(at: file) }
        guard
            FileManager.default.createFile(
                atPath: file.path, contents: Data((secret + "\n").utf8), attributes: [.posixPermissions: 0o600]
            )
        else { throw StoreError.invalidConfiguration("cannot write \(file.path)") }
    }
}
