import Foundation
import Hummingbird
import KontorStore
import Logging

/// `Authorization: Bearer <key>` on every `/v1` route; a missing or unknown key is a 401
/// problem answer and the handler never runs.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = KontorRequestContext
    let tenants: TenantRepository

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
            throw Problem.unauthorized
        }
        let secret = String(header.dropFirst("Bearer ".count)).trimmingCharacters(in: .whitespaces)
        guard secret.count <= 128, let tenant = try await tenants.authenticate(secret: secret) else {
            throw Problem.unauthorized
        }
        var context = context
        context.tenant = tenant
        context.logger[metadataKey: "tenant"] = "\(tenant.id)"
        return try await next(request, context)
    }
}
