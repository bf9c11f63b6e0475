import Hummingbird
import KontorCore
import Logging

/// Logs each request's method and path (with its query) — with every portal token replaced by
/// `pt_…`: a token opens a debtor's account, so it never reaches a log.
struct RequestLogMiddleware<Context: RequestContext>: RouterMiddleware {
    let level: Logger.Level

    init(_ level: Logger.Level) { self.level = level }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        context.logger.log(
            level: level, "Request",
            metadata: [
                "hb.request.path": .string(PortalToken.redacted(request.uri.description)),
                "hb.request.method": .string(request.method.rawValue),
            ])
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            context.logger.debug(
                "Response",
                metadata: ["status": "\(response.status.code)", "duration": "\(ContinuousClock.now - started)"])
            return response
        } catch {
            context.logger.debug(
                "Response (error)",
                metadata: ["error": "\(String(reflecting: error))", "duration": "\(ContinuousClock.now - started)"])
            throw error
        }
    }
}
