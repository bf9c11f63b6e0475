import Foundation
import Hummingbird
import KontorCore
import KontorEngine
import Logging

/// `Authorization: Bearer <key>` on every `/v1` route; a missing or unknown key is a 401
/// problem answer and the handler never runs.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = KontorRequestContext
    let engine: Engine

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") else {
            throw Problem.unauthorized
        }
        // Exactly `Bearer <key>` (the scheme in any case, RFC 9110 § 11.1): one space, then a key of
        // visible ASCII and nothing else.
        let secret = String(header.dropFirst("Bearer ".count))
        guard !secret.isEmpty, secret.count <= 128,
            secret.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }),
            let tenant = try await engine.authenticate(secret: secret)
        else {
            throw Problem.unauthorized
        }
        var context = context
        context.tenant = tenant
        context.logger[metadataKey: "tenant"] = "\(tenant.id)"
        // The store's queries for this request log with its request id and tenant.
        return try await engine.withRequestLogger(context.logger) { try await next(request, context) }
    }
}
