import ArgumentParser
import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine
import KontorStore
import Logging
import PostgresNIO
import Synchronization

extension Bench {
    struct Webhooks: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract:
                "Deliver N events to a receiver on loopback while they are committed; print deliveries/s and the commit-to-delivery delay."
        )

        @Option(help: "Number of events.") var events = 10_000
        @Option(help: "Events per committed batch.") var batchSize = 200
        @Option(help: "Events committed per second (0: as fast as possible, to measure throughput).") var rate = 0
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

        func run() async throws {
            guard events >= 1, batchSize >= 1 else {
                throw ValidationError("--events and --batch-size must be positive")
            }
            var logger = Logger(label: "kontor.bench")
            logger.logLevel = .warning
            let (count, batch, rate) = (events, batchSize, rate)
            let result = try await ScratchDatabase.with(stateDirectory: stateDirectory, logger: logger) { database in
                try await WebhookBenchmark(
                    database: database, events: count, batchSize: batch, rate: rate, logger: database.logger
                ).run()
            }
            print(result)
        }
    }
}

/// Commits events in batches while a dispatcher delivers them to a Hummingbird receiver on
/// loopback; the receiver notes when each event arrives.
struct WebhookBenchmark {
    let database: Database
    let events: Int
    let batchSize: Int
    let rate: Int
    let logger: Logger

    final class Clock: Sendable {
        let committed = Mutex<[String: ContinuousClock.Instant]>([:])
        let arrived = Mutex<[String: ContinuousClock.Instant]>([:])
    }

    func run() async throws -> String {
        let clock = Clock()
        let router = Router()
        router.post("hook") { request, _ -> HTTPResponse.Status in
            let id = request.headers[HTTPField.Name("webhook-id")!] ?? ""
            let now = ContinuousClock.now
            clock.arrived.withLock { if $0[id] == nil { $0[id] = now } }
            return .ok
        }
        let port = Mutex<Int?>(nil)
        let app = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in port.withLock { $0 = channel.localAddress?.port } }, logger: logger
        )
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                try await app.runService(gracefulShutdownSignals: [])
                return nil
            }
            while port.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(10)) }
            let url = "http://127.0.0.1:\(port.withLock { $0 }!)/hook"
            let (tenant, _) = try await TenantRepository(database: database).create(name: "Bench", livemode: false)
            _ = try await Engine(database: database).webhooks.create(
                url: url, eventTypes: ["*"], description: nil, tenant: tenant
            )
            let dispatcher = WebhookDispatcher(database: database)
            let outbox = EventOutbox(logger: logger)
            let total = events
            let start = ContinuousClock.now
            group.addTask {
                while clock.arrived.withLock({ $0.count }) < total {
                    if try await dispatcher.run() == 0 { try await Task.sleep(for: .milliseconds(2)) }
                }
                return nil
            }
            let payload = Data(#"{"object":"invoice","total":5831,"number":"2026-000001"}"#.utf8)
            var produced = 0
            let pace = rate > 0 ? Duration.seconds(Double(batchSize) / Double(rate)) : .zero
            var nextBatchAt = ContinuousClock.now
            while produced < total {
                if rate > 0 {
                    try await Task.sleep(until: nextBatchAt, clock: .continuous)
                    nextBatchAt += pace
                }
                let n = min(batchSize, total - produced)
                let now = SystemClock().wallNow()
                let ids = try await database.transaction { conn in
                    try await outbox.append(
                        (0..<n).map { _ in .init(type: .invoiceFinalized, objectID: nil, data: payload, createdAt: now)
                        },
                        tenantID: tenant.id, livemode: false, on: conn
                    )
                }
                let committedAt = ContinuousClock.now
                clock.committed.withLock { for id in ids { $0[id] = committedAt } }
                produced += n
            }
            while clock.arrived.withLock({ $0.count }) < total { try await Task.sleep(for: .milliseconds(5)) }
            let end = ContinuousClock.now
            group.cancelAll()
            let committed = clock.committed.withLock { $0 }
            let arrived = clock.arrived.withLock { $0 }
            let delays = arrived.compactMap { id, at in committed[id].map { max(Duration.zero, at - $0) } }.sorted()
            func ms(_ d: Duration) -> String {
                String(format: "%.1f ms", Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
            }
            let seconds = Double((end - start).components.seconds) + Double((end - start).components.attoseconds) / 1e18
            return """
                kontor bench webhooks — \(total) events committed in batches of \(batchSize)\(rate > 0 ? " at \(rate)/s" : " as fast as possible"), delivered to a receiver on loopback
                  wall time:            \(String(format: "%.2f", seconds)) s
                  deliveries/s:         \(Int(Double(total) / seconds))
                  commit → delivery:    p50 \(ms(delays[delays.count / 2])), p99 \(ms(delays[min(delays.count - 1, delays.count * 99 / 100)])), max \(ms(delays.last!))
                """
        }
    }
}
