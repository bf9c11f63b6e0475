import ArgumentParser
import Foundation
import KontorEmbedded
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

struct Plans: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the plan catalog.", subcommands: [Sync.self]
    )

    struct Sync: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate Plans/*.yaml, then store changed plans as new versions (all or one tenant).",
            discussion: "Every file is validated before anything is applied; an error names file, line and field."
        )

        @Argument(help: "Catalog directory (default: Plans/).") var directory: String?
        @Option(help: "Only this tenant (default: every tenant).") var tenant: String?
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

        func run() async throws {
            let logger = Logger(label: "kontor.plans")
            let dir = directory.map { URL(fileURLWithPath: $0) } ?? CatalogService.defaultDirectory
            do {
                _ = try YAMLCatalog.load(directory: dir)
            } catch let failure as YAMLCatalog.Failure {
                FileHandle.standardError.write(Data("\(failure)\nNothing was applied.\n".utf8))
                throw ExitCode(65)
            }
            let target = try await DatabaseTarget.resolve(stateDirectory: stateDirectory, logger: logger)
            defer { target.stopOwnedCluster(logger: logger) }
            let files = try MigrationFile.load(from: MigrationFile.defaultDirectory)
            let report = try await PostgresClient.withRunning(target.configuration, logger: logger) { client in
                let database = Database(client: client, logger: logger)
                try await Bootstrap(database: database, migrations: files).migrate()
                if let tenant, try await TenantRepository(database: database).find(tenant) == nil {
                    throw ValidationError("no tenant \(tenant)")
                }
                return try await Engine(database: database).catalog.sync(
                    directory: dir, tenantIDs: tenant.map { [$0] }, now: SystemClock().wallNow()
                )
            }
            print(
                "Synced \(report.tenants) tenant(s): \(report.added.count) new plan version(s), \(report.unchanged) unchanged."
            )
            for added in report.added { print("  + \(added)") }
            for skipped in report.skipped { print("  = \(skipped) (managed through the API, left alone)") }
        }
    }
}
