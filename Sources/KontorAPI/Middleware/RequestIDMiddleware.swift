import Foundation
import Hummingbird
import Logging

/// Echoes the request id that Hummingbird puts into every log line as `Request-Id`, so a
/// client's support ticket leads straight to the logs.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        var response = try await next(request, context)
        if let id = context.logger[metadataKey: "hb.request.id"] {
            response.headers[.init("Request-Id")!] = id.description
        }
        return response
    }
}
