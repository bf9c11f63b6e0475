import ArgumentParser
import AsyncHTTPClient
import Foundation
import KontorBench
import KontorCore
import KontorEngine
import KontorStore
import Logging
import NIOCore
import NIOHTTP1

extension Bench {
    /// Usage ingestion through `POST /v1/usage/batch`: a real server on loopback, concurrent
    /// clients sending batches of unique events, then the stored totals checked to the event.
    struct Usage: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "usage",
            abstract: "Usage events per second through POST /v1/usage/batch on loopback, totals checked afterwards."
        )

        @Option(help: "Events to send in all.") var events = 1_000_000
        @Option(help: "Events per batch (at most 1000).") var batch = 1000
        @Option(help: "Concurrent clients (connections).") var clients = 8
        @Option(help: "Metered subscriptions the events are spread over.") var subscriptions = 100
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"
        @Flag(help: "Keep the benchmark database afterwards.") var keep = false

        func run() async throws {
            guard events >= 1, (1...UsageService.maximumBatch).contains(batch), clients >= 1, subscriptions >= 1 else {
                throw ValidationError("--events, --clients and --subscriptions must be positive, --batch 1 to 1000")
            }
            var logger = Logger(label: "kontor.bench")
            logger.logLevel = .warning
            let (events, batch, clients, subscriptions, quiet) = (events, batch, clients, subscriptions, logger)
            try await ScratchDatabase.with(
                stateDirectory: stateDirectory, maximumConnections: clients + 4, keep: keep, logger: logger
            ) { database in
                try await UsageBench(database: database, logger: quiet).run(
                    events: events, batch: batch, clients: clients, subscriptions: subscriptions)
            }
        }
    }
}

struct UsageBench {
    let database: Database
    let logger: Logger

    func run(events: Int, batch: Int, clients: Int, subscriptions: Int) async throws {
        let (tenant, key, engine) = try await BenchServer.tenant(database)
        try await BenchServer.with(engine: engine, logger: logger, connections: clients) { client, base in
            let api = BenchServer.API(client: client, base: base, key: key)
            var made: [String] = []
            for n in 0..<subscriptions {
                let customer = try await api.post(
                    "/v1/customers",
                    #"{"name": "Kunde \#(n)", "kind": "business", "address": {"country": "DE"}}"#
                ).id()
                made.append(
                    try await api.post(
                        "/v1/subscriptions",
                        #"{"customer": "\#(customer)", "plan": "scale", "quantity": 1, "trial_days": 0}"#
                    ).id())
            }
            let subs = made
            let stamp = RFC3339.string(SystemClock().wallNow())
            // Event i: subscription i mod S, quantity 1 + i mod 7, so every total is known.
            let batches = (events + batch - 1) / batch
            let clock = ContinuousClock()
            let started = clock.now
            let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
                for worker in 0..<clients {
                    group.addTask {
                        var times: [Double] = []
                        for b in stride(from: worker, to: batches, by: clients) {
                            let range = (b * batch)..<min(events, (b + 1) * batch)
                            let body = range.map { i in
                                #"{"id":"ev-\#(i)","subscription":"\#(subs[i % subs.count])","metric":"api_calls","quantity":\#(1 + i % 7),"timestamp":"\#(stamp)"}"#
                            }.joined(separator: ",")
                            let t = clock.now
                            let answer = try await api.post("/v1/usage/batch", #"{"events":[\#(body)]}"#)
                            guard answer.status == 201 else {
                                throw CleanExit.message(
                                    "batch \(b): status \(answer.status) \(answer.text.prefix(300))")
                            }
                            times.append(BenchServer.milliseconds(clock.now - t))
                        }
                        return times
                    }
                }
                var all: [Double] = []
                for try await t in group { all += t }
                return all.sorted()
            }
            let seconds = BenchServer.milliseconds(clock.now - started) / 1000
            // Every event stored once, every subscription's total exact.
            var expected: [String: Int64] = [:]
            for i in 0..<events { expected[subs[i % subs.count], default: 0] += Int64(1 + i % 7) }
            let stored = try await database.withConnection { conn in
                try await UsageRepository(logger: logger).totals(
                    subs.map {
                        UsageRepository.Window(
                            tenantID: tenant, subscriptionID: $0, from: Date(timeIntervalSince1970: 0),
                            to: Date(timeIntervalSinceNow: 3600))
                    }, on: conn)
            }
            let storedEvents = stored.values.reduce(0) { $0 + ($1["api_calls"]?.count ?? 0) }
            let exact = subs.allSatisfy { stored[$0]?["api_calls"]?.sum == expected[$0] }
            func p(_ q: Double) -> Double { BenchServer.percentile(latencies, q) }
            print(
                """
                kontor bench usage — \(events) events in \(batches) batches of \(batch), \(clients) clients, \(subscriptions) subscriptions
                  stored:            \(storedEvents) events, totals per subscription \(exact ? "exact" : "WRONG")
                  batch latency:     p50 \(String(format: "%.1f", p(0.5))) ms, p99 \(String(format: "%.1f", p(0.99))) ms, max \(String(format: "%.1f", latencies.last ?? 0)) ms
                  peak memory (RSS): \(String(format: "%.0f", BillingBenchmark.peakResidentMiB())) MiB
                  events/s:          \(Int(Double(events) / seconds)) (\(String(format: "%.2f", seconds)) s)
                """)
            guard storedEvents == events, exact else { throw ExitCode.failure }
        }
    }
}
