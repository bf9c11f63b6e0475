import Hummingbird
import KontorEngine

/// While the database is known to be down (`DatabaseMonitor`), `/v1` answers 503 at once —
/// with `Retry-After` — instead of waiting for a connection that will not come.
struct DatabaseAvailabilityMiddleware<Context: RequestContext>: RouterMiddleware {
    let engine: Engine

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard engine.isDatabaseAvailable else {
            var response = try Problem.databaseUnavailable.response(from: request, context: context)
            response.headers[.retryAfter] = "2"
            return response
        }
        return try await next(request, context)
    }
}
