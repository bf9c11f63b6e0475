import ArgumentParser
import Foundation
import KontorCore
import KontorEmbedded
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

struct Tenants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage tenants (merchants).", subcommands: [Create.self, Update.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant and print its API key once.")

        @Argument(help: "The tenant's name.") var name: String
        @Flag(help: "Create a live-mode tenant (default: test mode).") var live = false
        @Option(help: "Legal name printed as seller on invoices (default: NAME).") var legalName: String?
        @Option(help: "Seller address on invoices; separate lines with \\n.") var address: String?
        @Option(help: "Seller VAT ID (USt-IdNr.) printed on invoices, e.g. DE136695976.") var vatID: String?
        @Option(help: "Home country for VAT (ISO 3166-1, default DE).") var country = "DE"
        @Option(help: "Bank fee for a returned debit charged on to the customer, in minor units.") var returnFee: Int64?
        @OptionGroup var seller: SellerDocumentOptions
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

        var documents: SellerDocumentDetails { seller.details }

        func validate() throws {
            var settings = TenantSettingsInput()
            settings.returnFee = returnFee
            settings.documents = documents
            if let error = settings.validate().first {
                throw ValidationError("\(SellerDocumentOptions.flag(error.field)) \(error.message)")
            }
        }

        func run() async throws {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 200 else {
                throw ValidationError("NAME must be 1 to 200 characters")
            }
            if let vatID, (try? VATID(vatID)) == nil {
                throw ValidationError("--vat-id \(vatID) is not a valid EU VAT ID")
            }
            guard CountryCode(country) != nil else { throw ValidationError("--country must be an ISO 3166-1 code") }
            let logger = Logger(label: "kontor.tenants")
            let target = try await DatabaseTarget.resolve(stateDirectory: stateDirectory, logger: logger)
            defer { target.stopOwnedCluster(logger: logger) }
            let files = try MigrationFile.load(from: MigrationFile.defaultDirectory)
            let (tenant, key) = try await PostgresClient.withRunning(target.configuration, logger: logger) { client in
                let database = Database(client: client, logger: logger)
                try await Bootstrap(database: database, migrations: files).migrate()
                let tenants = TenantRepository(database: database)
                let created = try await tenants.create(name: trimmed, livemode: live)
                try await tenants.updateSeller(
                    created.0.id, legalName: legalName ?? trimmed,
                    address: address?.replacingOccurrences(of: "\\n", with: "\n"),
                    vatID: vatID.flatMap { try? VATID($0).description }, homeCountry: country.uppercased()
                )
                let engine = Engine(database: database)
                var settings = TenantSettingsInput()
                settings.returnFee = returnFee
                settings.documents = documents
                _ = try await engine.tenants.update(created.0, settings)
                // A new tenant starts with the Plans/ catalog and dunning policies.
                try await engine.provision(tenantIDs: [created.0.id], now: engine.clock.wallNow())
                return created
            }
            print("Created \(live ? "live" : "test")-mode tenant \(tenant.id) (\(tenant.name))")
            print("API key (shown once, store it now): \(key.secret)")
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a tenant's settings (the same as PATCH /v1/tenant).")

        @Argument(help: "The tenant's id (ten_…).") var tenant: String
        @Option(help: "Bank fee for a returned debit charged on to the customer, in minor units.") var returnFee: Int64?
        @Option(help: "Number format of fee items, e.g. GB-{YYYY}-{seq:06}.") var feeItemNumberFormat: String?
        @Option(help: "Legal name printed as seller.") var legalName: String?
        @Option(help: "Seller address; separate lines with \\n.") var address: String?
        @Option(help: "Seller VAT ID (USt-IdNr.).") var vatID: String?
        @OptionGroup var seller: SellerDocumentOptions
        @Option(help: "A JPEG file (gray or RGB, at most 32 KB) printed at the top of every letter.") var logo: String?
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

        var settings: TenantSettingsInput {
            var s = TenantSettingsInput()
            s.returnFee = returnFee
            s.feeItemNumberFormat = feeItemNumberFormat
            s.legalName = legalName
            s.address = address?.replacingOccurrences(of: "\\n", with: "\n")
            s.vatID = vatID
            s.documents = seller.details
            s.logoBase64 = logo.map { path in
                (try? Data(contentsOf: URL(fileURLWithPath: path)))?.base64EncodedString() ?? "unreadable"
            }
            return s
        }

        func validate() throws {
            let errors = settings.validate()
            guard errors.isEmpty else {
                throw ValidationError(
                    errors.map { "\(SellerDocumentOptions.flag($0.field)) \($0.message)" }
                        .joined(separator: "; "))
            }
        }

        func run() async throws {
            let logger = Logger(label: "kontor.tenants")
            let target = try await DatabaseTarget.resolve(stateDirectory: stateDirectory, logger: logger)
            defer { target.stopOwnedCluster(logger: logger) }
            let files = try MigrationFile.load(from: MigrationFile.defaultDirectory)
            let profile = try await PostgresClient.withRunning(target.configuration, logger: logger) { client in
                let database = Database(client: client, logger: logger)
                try await Bootstrap(database: database, migrations: files).migrate()
                let tenants = Engine(database: database).tenants
                guard let found = try await tenants.find(tenant) else { throw ValidationError("no tenant \(tenant)") }
                return try await tenants.update(found, settings)
            }
            print(
                "Updated tenant \(profile.tenantID): return fee \(profile.returnFee), fee items \(profile.feeItemNumberFormat)"
            )
        }
    }
}

/// The seller details e-invoices carry, as flags of `tenants create` and `tenants update`.
struct SellerDocumentOptions: ParsableArguments {
    @Option(help: "Steuernummer printed on e-invoices (BT-32).") var taxNumber: String?
    @Option(help: "Seller contact name on e-invoices.") var contactName: String?
    @Option(help: "Seller contact telephone.") var contactPhone: String?
    @Option(help: "Seller contact e-mail.") var contactEmail: String?
    @Option(help: "Seller electronic address (e-mail) on e-invoices; default: the contact e-mail.")
    var electronicAddress: String?
    @Option(help: "IBAN customers pay into.") var iban: String?
    @Option(help: "BIC of that account.") var bic: String?
    @Option(help: "SEPA creditor identifier (Gläubiger-ID).") var creditorID: String?
    @Option(help: "A line at the foot of every letter (register court, managing directors).") var footer: String?

    /// The flag that sets an API field (`bank_iban` → `--iban`).
    static func flag(_ field: String) -> String {
        let renamed =
            ["bank_iban": "iban", "bank_bic": "bic", "sepa_creditor_id": "creditor_id", "document_footer": "footer"][
                field] ?? field
        return "--" + renamed.replacingOccurrences(of: "_", with: "-")
    }

    var details: SellerDocumentDetails {
        SellerDocumentDetails(
            taxNumber: taxNumber, contactName: contactName, contactPhone: contactPhone, contactEmail: contactEmail,
            electronicAddress: electronicAddress, bankIBAN: iban, bankBIC: bic, sepaCreditorID: creditorID,
            documentFooter: footer)
    }
}
