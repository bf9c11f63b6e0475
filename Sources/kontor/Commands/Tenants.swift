import ArgumentParser
import Foundation
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
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

        func run() async throws {
            let trimmed = name.trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty, trimmed.count <= 200 else {
                throw ValidationError("NAME must be 1 to 200 characters")
            }
            let logger = Logger(label: "kontor.tenants")
            let target = try await DatabaseTarget.resolve(stateDirectory: stateDirectory, logger: logger)
            defer { target.stopOwnedCluster(logger: logger) }
            let files = try MigrationFile.load(from: MigrationFile.defaultDirectory)
            let (tenant, key) = try await PostgresClient.withRunning(target.configuration, logger: logger) { client in
                let database = Database(client: client, logger: logger)
                try await Bootstrap(database: database, migrations: files).migrate()
                return try await TenantRepository(database: database).create(name: trimmed, livemode: live)
            }
            print("Created \(live ? "live" : "test")-mode tenant \(tenant.id) (\(tenant.name))")
            print("API key (shown once, store it now): \(key.secret)")
        }
    }
}
