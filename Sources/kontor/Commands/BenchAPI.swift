import ArgumentParser
import AsyncHTTPClient
import Foundation
import KontorBench
import KontorCore
import KontorEmbedded
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

extension Bench {
    /// `POST /v1/subscriptions` with its first invoice issued at once, through HTTP on
    /// loopback, against the floor of the same work: pgbench writing the same rows in one
    /// transaction on the same cluster.
    struct API: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "api",
            abstract:
                "POST /v1/subscriptions (first invoice at once) over HTTP on loopback, against pgbench writing the same rows."
        )

        @Option(help: "Measured requests (after a warm-up of 5 %).") var requests = 20_000
        @Option(help: "Concurrent HTTP connections.") var connections = 16
        @Option(help: "Customers the subscriptions are spread over.") var customers = 2_000
        @Option(help: "Plan subscribed to (its first invoice is issued at once).") var plan = "enterprise-annual"
        @Option(help: "Seconds pgbench runs for the floor.") var floorSeconds = 20
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"
        @Flag(help: "Keep the benchmark database afterwards.") var keep = false

        func run() async throws {
            guard requests >= 1, connections >= 1, customers >= 1, floorSeconds >= 1 else {
                throw ValidationError("--requests, --connections, --customers and --floor-seconds must be positive")
            }
            var logger = Logger(label: "kontor.bench")
            logger.logLevel = .warning
            let settings = APIBench.Settings(
                requests: requests, connections: connections, customers: customers, plan: plan,
                floorSeconds: floorSeconds)
            let quiet = logger
            try await ScratchDatabase.with(
                stateDirectory: stateDirectory, maximumConnections: connections + 4, keep: keep, logger: logger
            ) { database, configuration in
                try await APIBench(database: database, configuration: configuration, logger: quiet).run(settings)
            }
        }
    }
}

/// The measurement behind `kontor bench api`.
struct APIBench {
    struct Settings: Sendable {
        let requests: Int
        let connections: Int
        let customers: Int
        let plan: String
        let floorSeconds: Int
    }

    let database: Database
    let configuration: PostgresClient.Configuration
    let logger: Logger

    func run(_ settings: Settings) async throws {
        let (tenant, key, engine) = try await BenchServer.tenant(database)
        let api = try await BenchServer.with(engine: engine, logger: logger, connections: settings.connections) {
            client, base in
            let api = BenchServer.API(client: client, base: base, key: key)
            let customers = try await makeCustomers(settings, api: api)
            let warmUp = max(settings.connections, settings.requests / 20)
            _ = try await load(warmUp, customers: customers, settings: settings, api: api, label: "warm")
            let before = try await SameRowsTransaction.tableWrites(database)
            let result = try await load(
                settings.requests, customers: customers, settings: settings, api: api, label: "run")
            try await Task.sleep(for: .milliseconds(1500))  // statistics reach the shared view within 1 s
            let after = try await SameRowsTransaction.tableWrites(database)
            return (result, SameRowsTransaction.perRequest(before: before, after: after, requests: settings.requests))
        }
        let gapFree = try await SameRowsTransaction.numbersGapFree(tenantID: tenant, database: database)
        let floor = try await APIBenchFloor(database: database, configuration: configuration, logger: logger)
            .measure(tenantID: tenant, sample: api.0.lastSubscription, key: api.0.lastKey, settings: settings)
        report(settings, api: api.0, writes: api.1, gapFree: gapFree, floor: floor)
        guard api.0.failures == 0, gapFree else { throw ExitCode.failure }
    }

    /// Customers for the subscriptions, made through the API.
    func makeCustomers(_ settings: Settings, api: BenchServer.API) async throws -> [String] {
        try await withThrowingTaskGroup(of: [String].self) { group in
            for worker in 0..<settings.connections {
                group.addTask {
                    var made: [String] = []
                    for n in stride(from: worker, to: settings.customers, by: settings.connections) {
                        made.append(
                            try await api.post(
                                "/v1/customers",
                                #"{"name": "Kunde \#(n)", "kind": "business", "address": {"country": "DE"}}"#
                            ).id())
                    }
                    return made
                }
            }
            var all: [String] = []
            for try await made in group { all += made }
            return all
        }
    }

    struct LoadResult: Sendable {
        var latencies: [Double]
        var seconds: Double
        var failures: Int
        var firstFailure: String?
        var lastSubscription: String
        var lastKey: String

        init() {
            (latencies, seconds, failures, firstFailure, lastSubscription, lastKey) = ([], 0, 0, nil, "", "")
        }
    }

    /// `count` subscriptions, each with its own Idempotency-Key, over `settings.connections`
    /// concurrent clients; every answer must be 201 with the subscription's first invoice.
    func load(_ count: Int, customers: [String], settings: Settings, api: BenchServer.API, label: String)
        async throws -> LoadResult
    {
        let clock = ContinuousClock()
        let started = clock.now
        let parts = try await withThrowingTaskGroup(of: LoadResult.self) { group in
            for worker in 0..<settings.connections {
                group.addTask {
                    var part = LoadResult()
                    for n in stride(from: worker, to: count, by: settings.connections) {
                        let key = "bench-\(label)-\(n)"
                        let body =
                            #"{"customer": "\#(customers[n % customers.count])", "plan": "\#(settings.plan)", "quantity": 1, "trial_days": 0, "collection_method": "send_invoice"}"#
                        let t = clock.now
                        let answer = try await api.post("/v1/subscriptions", body, idempotencyKey: key)
                        part.latencies.append(BenchServer.milliseconds(clock.now - t))
                        if answer.status == 201, let id = try? answer.id() {
                            part.lastSubscription = id
                            part.lastKey = key
                        } else {
                            part.failures += 1
                            part.firstFailure = part.firstFailure ?? "HTTP \(answer.status): \(answer.text.prefix(300))"
                        }
                    }
                    return part
                }
            }
            var all = LoadResult()
            for try await part in group {
                all.latencies += part.latencies
                all.failures += part.failures
                all.firstFailure = all.firstFailure ?? part.firstFailure
                if !part.lastSubscription.isEmpty {
                    (all.lastSubscription, all.lastKey) = (part.lastSubscription, part.lastKey)
                }
            }
            return all
        }
        var result = parts
        result.latencies.sort()
        result.seconds = BenchServer.milliseconds(clock.now - started) / 1000
        return result
    }

    func report(
        _ settings: Settings, api: LoadResult, writes: String, gapFree: Bool, floor: APIBenchFloor.Result
    ) {
        func p(_ q: Double) -> Double { BenchServer.percentile(api.latencies, q) }
        let rate = Double(settings.requests) / api.seconds
        print(
            """
            kontor bench api — POST /v1/subscriptions (plan \(settings.plan), first invoice at once), \(settings.requests) requests, \(settings.connections) connections, \(settings.customers) customers
              answers:             \(settings.requests - api.failures) × 201\(api.failures > 0 ? ", \(api.failures) failed (first: \(api.firstFailure ?? ""))" : "")
              invoice numbers:     \(gapFree ? "gap-free" : "NOT gap-free")
              rows per request:    \(writes)
              latency:             p50 \(String(format: "%.1f", p(0.5))) ms, p99 \(String(format: "%.1f", p(0.99))) ms, max \(String(format: "%.1f", api.latencies.last ?? 0)) ms
              api requests/s:      \(String(format: "%.0f", rate)) (\(String(format: "%.1f", api.seconds)) s)
              floor (pgbench):     \(String(format: "%.0f", floor.transactionsPerSecond)) transactions/s, latency average \(String(format: "%.1f", floor.latencyMilliseconds)) ms (\(floor.description))
            ratio api / floor: \(String(format: "%.2f", rate / floor.transactionsPerSecond))
            """)
    }
}
