import Foundation
import KontorEmbedded
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

/// A fresh, migrated database for one benchmark: created next to the others on the resolved
/// server (the private cluster by default), handed to `body`, dropped afterwards unless `keep`.
enum ScratchDatabase {
    static func with<T: Sendable>(
        stateDirectory: String, maximumConnections: Int? = nil, keep: Bool = false, logger: Logger,
        _ body: @Sendable (Database) async throws -> T
    ) async throws -> T {
        try await with(
            stateDirectory: stateDirectory, maximumConnections: maximumConnections, keep: keep, logger: logger
        ) { database, _ in try await body(database) }
    }

    /// The same, with the connection settings of the scratch database (for tools such as
    /// pgbench that connect on their own).
    static func with<T: Sendable>(
        stateDirectory: String, maximumConnections: Int? = nil, keep: Bool = false, logger: Logger,
        _ body: @Sendable (Database, PostgresClient.Configuration) async throws -> T
    ) async throws -> T {
        let target = try await DatabaseTarget.resolve(stateDirectory: stateDirectory, logger: logger)
        defer { target.stopOwnedCluster(logger: logger) }
        let name = "kontor_bench_\(UInt32.random(in: 0...UInt32.max))"
        var admin = target.configuration
        admin.database = "postgres"
        try await PostgresClient.withRunning(admin, logger: logger) { client in
            try await DatabaseCreation.createIfMissing(name, on: client, logger: logger)
        }
        var configuration = target.configuration
        configuration.database = name
        if let maximumConnections { configuration.options.maximumConnections = maximumConnections }
        let files = try MigrationFile.load(from: MigrationFile.defaultDirectory)
        let result = try await PostgresClient.withRunning(configuration, logger: logger) { client in
            let database = Database(client: client, logger: logger)
            try await Bootstrap(database: database, migrations: files).migrate()
            return try await body(database, configuration)
        }
        if !keep {
            try await PostgresClient.withRunning(admin, logger: logger) { client in
                try await DatabaseCreation.drop(name, on: client, logger: logger)
            }
        }
        return result
    }
}
