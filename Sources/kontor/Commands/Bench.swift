import ArgumentParser
import Foundation
import KontorBench
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks (each in a fresh database).",
        subcommands: [
            Billing.self, Webhooks.self, Receivables.self, Console.self, Usage.self, OpenItems.self, API.self,
        ]
    )

    struct Billing: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Seed N subscriptions in a fresh database, run one billing run, compare with a raw COPY."
        )

        @Option(help: "Number of active subscriptions to seed.") var subscriptions = 100_000
        @Option(help: "Concurrent billing runs (like several nodes).") var workers = 2
        @Option(help: "Subscriptions per batch.") var batchSize = 2000
        @Flag(help: "Keep the benchmark database afterwards.") var keep = false
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

        func run() async throws {
            guard subscriptions >= 1, workers >= 1, batchSize >= 1 else {
                throw ValidationError("--subscriptions, --workers and --batch-size must be positive")
            }
            var logger = Logger(label: "kontor.bench")
            logger.logLevel = .warning
            let (subscriptions, workers, batchSize) = (subscriptions, workers, batchSize)
            let result: BillingBenchmark.Result
            do {
                result = try await ScratchDatabase.with(
                    stateDirectory: stateDirectory, maximumConnections: workers + 2, keep: keep, logger: logger
                ) { database in
                    try await BillingBenchmark(
                        database: database, subscriptions: subscriptions, workers: workers, batchSize: batchSize
                    ).run(plansDirectory: CatalogService.defaultDirectory, now: SystemClock().wallNow())
                }
            } catch {
                FileHandle.standardError.write(Data("bench failed: \(String(reflecting: error))\n".utf8))
                throw ExitCode.failure
            }
            func f(_ x: Double) -> String { String(format: "%.2f", x) }
            let documented = result.documents["pdf"]?.count ?? 0
            let total = result.documents.values.reduce(0) { $0 + $1.count }
            let sizes = result.documents.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.bytes) B" }
                .joined(separator: ", ")
            print(
                """
                kontor bench billing — \(subscriptions) subscriptions, \(workers) workers, batches of \(batchSize)
                  seed:              \(f(result.seedSeconds)) s
                  billing run:       \(f(result.billingSeconds)) s
                  invoices:          \(result.invoices) (\(result.lines) lines, \(result.ledgerEntries) ledger entries, \(result.events) events)
                  invoices/s:        \(Int(result.invoicesPerSecond))
                  floor:             \(f(result.copySeconds)) s to COPY \(result.invoices) invoice + \(result.lines) line + \(result.ledgerEntries) ledger + \(result.events) event rows and update \(subscriptions) subscriptions at once
                  documents:         \(documented) invoices as PDF + CII + UBL (SHA-256, archived) in \(f(result.archiveSeconds)) s: \(Int(Double(documented) / max(result.archiveSeconds, 0.001))) invoices/s, \(Int(Double(total) / max(result.archiveSeconds, 0.001))) files/s
                  document sizes:    \(sizes)
                  peak memory (RSS): \(f(result.peakMemoryMiB)) MiB
                  ratio run / floor: \(f(result.ratioToCopy))
                """
            )
        }
    }
}
