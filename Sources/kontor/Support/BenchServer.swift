import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import KontorAPI
import KontorCore
import KontorEngine
import KontorStore
import Logging
import NIOCore
import NIOHTTP1
import Prometheus

/// A Kontor server on a random loopback port for the benchmarks that measure through HTTP, with
/// a client of up to `connections` connections to it; both are gone when `body` returns.
enum BenchServer {
    static func with<T: Sendable>(
        engine: Engine, logger: Logger, connections: Int = 8,
        _ body: (_ client: HTTPClient, _ base: String) async throws -> T
    ) async throws -> T {
        let port = 20000 + Int.random(in: 0..<20000)
        var quiet = logger
        quiet.logLevel = .critical
        let app = Application(
            router: buildRouter(APIDependencies(engine: engine, metrics: PrometheusCollectorRegistry())),
            configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "kontor-bench"),
            logger: quiet)
        let server = Task { try await app.runService(gracefulShutdownSignals: []) }
        defer { server.cancel() }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(
            idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        let base = "http://127.0.0.1:\(port)"
        do {
            try await waitForServer(client, base)
            let result = try await body(client, base)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    static func waitForServer(_ client: HTTPClient, _ base: String) async throws {
        for _ in 0..<100 {
            if let r = try? await client.execute(HTTPClientRequest(url: base + "/health"), timeout: .seconds(1)),
                r.status == .ok
            {
                return
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CleanExit.message("the bench server did not start")
    }

    /// A tenant with a German seller and the `Plans/` catalog, and an engine on the system
    /// clock; returns its id and API key.
    static func tenant(_ database: Database) async throws -> (tenant: String, key: String, engine: Engine) {
        let tenants = TenantRepository(database: database)
        let (tenant, key) = try await tenants.create(name: "Bench GmbH", livemode: false, timeZone: "Europe/Berlin")
        try await tenants.updateSeller(
            tenant.id, legalName: "Bench GmbH", address: "Teststraße 1\n10115 Berlin\nDE", vatID: "DE136695976",
            homeCountry: "DE")
        let engine = Engine(database: database, clock: SystemClock())
        _ = try await engine.catalog.sync(
            directory: CatalogService.defaultDirectory, tenantIDs: [tenant.id], now: SystemClock().wallNow())
        return (tenant.id, key.secret, engine)
    }

    /// The `q` quantile (0…1) of ascending `sorted` values.
    static func percentile(_ sorted: [Double], _ q: Double) -> Double {
        sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * q).rounded(.up)) - 1))]
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }

    /// A JSON client with the tenant's key.
    struct API: Sendable {
        let client: HTTPClient
        let base: String
        let key: String

        struct Answer {
            let status: Int
            let text: String

            func id() throws -> String {
                guard let data = text.data(using: .utf8),
                    let object = try JSONSerialization.jsonObject(with: data) as? [String: Any],
                    let id = object["id"] as? String
                else { throw CleanExit.message("no id in: \(text.prefix(300))") }
                return id
            }
        }

        func post(_ path: String, _ json: String, idempotencyKey: String? = nil) async throws -> Answer {
            var request = HTTPClientRequest(url: base + path)
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            if let idempotencyKey { request.headers.add(name: "Idempotency-Key", value: idempotencyKey) }
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
            let response = try await client.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: 64 << 20)
            return Answer(status: Int(response.status.code), text: String(buffer: body))
        }
    }
}
