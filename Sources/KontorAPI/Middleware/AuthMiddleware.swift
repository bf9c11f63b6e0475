import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine
import Logging

/// `Authorization: Bearer <key>` on every `/v1` route; a missing or unknown key is a 401
/// problem answer and the handler never runs.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = KontorRequestContext
    let engine: Engine
    static let reasonHeader = HTTPField.Name("Kontor-Reason")!

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
            let (tenant, keyID) = try await engine.authenticateKey(secret: secret)
        else {
            throw Problem.unauthorized
        }
        // `Kontor-Reason`: why a write is made, kept in the audit trail with the key that made it.
        let reason = request.headers[Self.reasonHeader]
        if let reason, let problem = AuditActor.reasonProblem(reason) {
            throw Problem.invalid([FieldError(field: "Kontor-Reason", message: problem)])
        }
        var context = context
        context.tenant = tenant
        context.logger[metadataKey: "tenant"] = "\(tenant.id)"
        // The store's queries for this request log with its request id and tenant.
        return try await engine.asActor(AuditActor(kind: .apiKey, id: keyID), reason: reason) {
            try await engine.withRequestLogger(context.logger) { try await next(request, context) }
        }
    }
}
