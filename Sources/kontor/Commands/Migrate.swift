import ArgumentParser
import Foundation
import KontorEmbedded
import KontorStore
import Logging
import PostgresNIO

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending migrations from Migrations/ and exit.")

    @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"
    @Option(help: "Migrations directory.") var migrations: String?

    func run() async throws {
        let logger = Logger(label: "kontor.migrate")
        let directory = migrations.map { URL(fileURLWithPath: $0) } ?? MigrationFile.defaultDirectory
        let files = try MigrationFile.load(from: directory)
        let target = try await DatabaseTarget.resolve(stateDirectory: stateDirectory, logger: logger)
        defer { target.stopOwnedCluster(logger: logger) }
        let applied = try await PostgresClient.withRunning(target.configuration, logger: logger) { client in
            try await Migrator(files: files).migrate(client, logger: logger)
        }
        print(
            applied.isEmpty
                ? "Database is up to date (\(files.count) migrations)." : "Applied: \(applied.joined(separator: ", "))")
    }
}
