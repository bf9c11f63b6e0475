import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KontorAPI
import KontorCore
import KontorEngine
import KontorStore
import Logging
import Metrics
import NIOCore
import PostgresNIO
import Prometheus

/// Everything an API test needs: the database behind the app, a tenant and its key.
public struct APIFixture: Sendable {
    public let database: Database
    public let tenant: Tenant
    public let apiKey: String

    /// Creates another tenant in the same database (for isolation tests).
    public func otherTenant() async throws -> (Tenant, String) {
        let (tenant, key) = try await TenantRepository(database: database).create(name: "Other GmbH", livemode: false)
        return (tenant, key.secret)
    }

    /// Counts rows of `table` (for "nothing was written" checks).
    public func count(_ table: String) async throws -> Int {
        let rows = try await database.client.query(
            PostgresQuery(unsafeSQL: "SELECT count(*)::bigint FROM \(table)"), logger: database.logger
        )
        for try await n in rows.decode(Int64.self) { return Int(n) }
        return 0
    }
}

/// One metrics registry for the whole test process (the metrics system is bootstrapped once).
public enum TestMetrics {
    public static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}

/// Runs the application in-process (services included) on a fresh database, with one
/// test-mode tenant.
public func withTestAPI(
    logger: Logger = TestLog.logger,
    _ body: @Sendable @escaping (any TestClientProtocol, APIFixture) async throws -> Void
) async throws {
    try await TestPostgres.shared.withFreshDatabase { configuration in
        let database = await TestPostgres.shared.database(for: configuration, logger: logger)
        let deps = APIDependencies(engine: Engine(database: database), metrics: TestMetrics.registry)
        let app = buildApplication(deps, host: "127.0.0.1", port: 0, logger: logger)
        try await app.test(.router) { testClient in
            let (tenant, key) = try await TenantRepository(database: database).create(
                name: "Test GmbH", livemode: false
            )
            try await body(testClient, APIFixture(database: database, tenant: tenant, apiKey: key.secret))
        }
    }
}

extension TestClientProtocol {
    /// Sends a request with the fixture's key (or `key`) and a JSON body.
    public func send(
        _ method: HTTPRequest.Method, _ uri: String, key: String?, json: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> TestResponse {
        var headers = extra
        if let key { headers[.authorization] = "Bearer \(key)" }
        if json != nil { headers[.contentType] = "application/json" }
        let response = try await execute(
            uri: uri, method: method, headers: headers, body: json.map { ByteBuffer(string: $0) }
        )
        // Every answer a test sees must be what the document says.
        try OpenAPIConformance.shared.check(
            method: method, uri: uri, status: Int(response.status.code), contentType: response.headers[.contentType],
            body: Data(response.body.readableBytesView))
        return response
    }
}

extension TestResponse {
    /// The body decoded as a JSON object (`[String: Any]` is what tests want to poke at).
    public func json() throws -> [String: Any] {
        let data = Data(body.readableBytesView)
        return (try JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:]
    }

    public var text: String { String(buffer: body) }
}

extension TestResponse {
    /// The `field`s of a problem answer's `errors`, in order.
    public func errorFields() throws -> [String] {
        ((try json()["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
    }
}
