import ArgumentParser
import Foundation
import KontorEmbedded
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

struct Bill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the billing run once: invoice every period that is due now, then exit."
    )

    @Option(help: "Subscriptions per batch (one transaction each).") var batchSize = 1000
    @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

    func run() async throws {
        let logger = Logger(label: "kontor.bill")
        let target = try await DatabaseTarget.resolve(stateDirectory: stateDirectory, logger: logger)
        defer { target.stopOwnedCluster(logger: logger) }
        let files = try MigrationFile.load(from: MigrationFile.defaultDirectory)
        let summary = try await PostgresClient.withRunning(target.configuration, logger: logger) { client in
            let database = Database(client: client, logger: logger)
            try await Bootstrap(database: database, migrations: files).migrate()
            return try await BillingRun(database: database, batchSize: batchSize).run(now: SystemClock().wallNow())
        }
        print(
            "Billed \(summary.subscriptions) subscription boundaries: \(summary.invoices) invoices in \(summary.batches) batches."
        )
    }
}
