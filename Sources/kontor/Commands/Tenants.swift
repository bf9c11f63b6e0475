import ArgumentParser
import Foundation
import KontorCore
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

struct Tenants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage tenants (merchants).", subcommands: [Create.self]
    )

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a tenant and print its API key once.")

        @Argument(help: "The tenant's name.") var name: String
        @Flag(help: "Create a live-mode tenant (default: test mode).") var live = false
        @Option(help: "Legal name printed as seller on invoices (default: NAME).") var legalName: String?
        @Option(help: "Seller address on invoices; separate lines with \\n.") var address: String?
        @Option(help: "Seller VAT ID (USt-IdNr.) printed on invoices, e.g. DE136695976.") var vatID: String?
        @Option(help: "Home country for VAT (ISO 3166-1, default DE).") var country = "DE"
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

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
                // A new tenant starts with the Plans/ catalog and dunning policies.
                try await TenantProvisioning(database: database).provision(tenantIDs: [created.0.id], now: Date())
                return created
            }
            print("Created \(live ? "live" : "test")-mode tenant \(tenant.id) (\(tenant.name))")
            print("API key (shown once, store it now): \(key.secret)")
        }
    }
}
