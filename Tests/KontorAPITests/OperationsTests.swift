import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KontorAPI
import KontorEngine
import KontorStore
import KontorTestSupport
import Logging
import PostgresNIO
import Testing

@Suite struct OperationsTests {
    @Test func healthChecksTheDatabase() async throws {
        try await withTestAPI { client, _ in
            let r = try await client.send(.get, "/health", key: nil)
            #expect(r.status == .ok)
            #expect(try r.json()["database"] as? String == "ok")
            #expect(r.headers[.init("Request-Id")!]?.isEmpty == false)
        }
    }

    @Test func metricsArePrometheusText() async throws {
        try await withTestAPI { client, fx in
            _ = try await client.send(.get, "/v1/customers", key: fx.apiKey)
            let r = try await client.send(.get, "/metrics", key: nil)
            #expect(r.status == .ok)
            #expect(r.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(r.text.contains("hb_requests"))
            #expect(r.text.contains(#"http_route="/v1/customers""#))
        }
    }

    @Test func unknownRouteIsAProblem404() async throws {
        try await withTestAPI { client, fx in
            let r = try await client.send(.get, "/v1/nothing-here", key: fx.apiKey)
            #expect(r.status == .notFound)
            #expect(r.headers[.contentType] == "application/problem+json")
        }
    }

    /// The committed OpenAPI document and the router must name the same routes.
    @Test func openAPIDocumentMatchesTheRegisteredRoutes() async throws {
        let data = try OpenAPIDocument.data()
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["openapi"] as? String == "3.1.0")
        let paths = try #require(document["paths"] as? [String: [String: Any]])
        var documented = Set<String>()
        for (path, operations) in paths {
            for method in operations.keys where ["get", "post", "put", "patch", "delete"].contains(method) {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let logger = Logger(label: "test")
        let client = PostgresClient(
            configuration: .init(host: "127.0.0.1", username: "x", password: nil, database: nil, tls: .disable)
        )
        let deps = APIDependencies(
            engine: Engine(database: Database(client: client, logger: logger)), metrics: TestMetrics.registry)
        var registered = Set<String>()
        for route in buildRouter(deps).routes {
            // Hummingbird writes captures as {id}, as OpenAPI does.
            var path = route.path.description
            if !path.hasPrefix("/") { path = "/" + path }
            // The debtor portal and the console are HTML pages for people, not part of the API
            // (PortalTests, ConsoleTests).
            if path.hasPrefix("/portal/") || path.hasPrefix("/console") { continue }
            registered.insert("\(route.method.rawValue) \(path)")
        }
        #expect(registered.subtracting(documented).isEmpty, "routes missing from openapi.json")
        #expect(documented.subtracting(registered).isEmpty, "openapi.json names routes that do not exist")
    }

    @Test func openAPIDocumentIsServedAsCommitted() async throws {
        let data = try OpenAPIDocument.data()
        try await withTestAPI { client, _ in
            let r = try await client.send(.get, "/openapi.json", key: nil)
            #expect(r.status == .ok)
            #expect(Data(r.body.readableBytesView) == data)
        }
    }
}
