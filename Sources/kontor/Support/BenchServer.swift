import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import KontorAPI
import KontorEngine
import Logging
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
}
