import Foundation
import Hummingbird
import KontorEngine
import Prometheus

/// `/health`, `/metrics`, `/openapi.json`: unauthenticated, for load balancers, Prometheus
/// and API clients.
struct OperationsRoutes {
    let engine: Engine
    let registry: PrometheusCollectorRegistry

    struct Health: Encodable {
        let status: String
        let database: String
    }

    func register(on router: Router<KontorRequestContext>) {
        // The truth within two seconds: a database that does not answer is unreachable, not slow.
        router.get("health") { _, _ -> Response in
            if await engine.isDatabaseReachable(within: .seconds(2)) {
                return try .json(Health(status: "ok", database: "ok"))
            }
            return try .json(Health(status: "unavailable", database: "unreachable"), status: .serviceUnavailable)
        }
        router.get("metrics") { _, _ -> Response in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer()))
            )
        }
        router.get("openapi.json") { _, _ -> Response in
            Response.json(try OpenAPIDocument.data())
        }
    }
}

/// The committed OpenAPI 3.1 document (`Sources/KontorAPI/Resources/openapi.json`).
public enum OpenAPIDocument {
    public static func data() throws -> Data {
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json") else {
            throw CocoaError(.fileNoSuchFile)
        }
        return try Data(contentsOf: url)
    }
}
