import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine
import Logging
import NIOCore

/// Turns every error into a problem answer: domain errors into their 4xx, framework errors
/// into theirs, and anything unexpected into a logged 500 that reveals nothing.
public struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let http as HTTPError where http.status == .notFound {
            // No route: a known path asked with a method it does not answer is a 405.
            if let allowed = AllowedMethods.methods(for: request.uri.path), !allowed.isEmpty,
                !allowed.contains(request.method.rawValue)
            {
                var response = try Problem(
                    status: .methodNotAllowed, type: "method-not-allowed", title: "Method not allowed",
                    detail:
                        "\(request.uri.path) answers \(allowed.joined(separator: ", ")), not \(request.method.rawValue)."
                ).response(from: request, context: context)
                response.headers[.allow] = allowed.joined(separator: ", ")
                return response
            }
            return try Self.problem(for: http, context: context).response(from: request, context: context)
        } catch {
            return try Self.problem(for: error, context: context).response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let validation as ValidationError:
            return .invalid(validation.errors)
        case let engine as EngineError:
            switch engine {
            case .notFound(let resource, let id):
                return .notFound("No such \(resource): '\(id)'")
            case .conflict(let message):
                return Problem(status: .conflict, type: "conflict", title: "Conflict", detail: message)
            case .forbidden(let message):
                return Problem(status: .forbidden, type: "forbidden", title: "Forbidden", detail: message)
            case .idempotencyKeyReused:
                return Problem(
                    status: .conflict, type: "idempotency-key-reused", title: "Idempotency key reused",
                    detail: "This Idempotency-Key was used with a different request; use a new key for a new request."
                )
            }
        case is NIOTooManyBytesError:
            return Problem(
                status: .contentTooLarge, type: "body-too-large", title: "Request body too large",
                detail: "Request bodies are limited to \(KontorRequestContext.maxBodySize) bytes."
            )
        case let http as HTTPError:
            return Problem(
                status: http.status, type: http.status == .notFound ? "not-found" : "http-error",
                title: http.status.reasonPhrase, detail: http.body ?? http.status.reasonPhrase
            )
        case MoneyError.overflow:
            // Any amount so large that arithmetic on it overflows is bad input, wherever it came in.
            return .invalid([FieldError(field: "amount", message: "is too large to compute with")])
        case _ where DatabaseFailure(error) == .conflict:
            // Retried and still deadlocked: nothing was written; the client may try again.
            return Problem(
                status: .serviceUnavailable, type: "conflict-retry", title: "Service unavailable",
                detail: "The request collided with concurrent work and was rolled back; nothing was changed. Retry.")
        case _ where DatabaseFailure(error) == .outcomeUnknown:
            context.logger.error("commit outcome unknown", metadata: ["error": "\(String(reflecting: error))"])
            return Problem(
                status: .serviceUnavailable, type: "commit-outcome-unknown", title: "Service unavailable",
                detail:
                    "The database failed over while this change was being saved; it may or may not have been saved. Send it again with an Idempotency-Key to find out safely."
            )
        case _ where DatabaseFailure(error) == .unavailable:
            context.logger.error("database unavailable", metadata: ["error": "\(String(reflecting: error))"])
            return .databaseUnavailable
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            return Problem(
                status: .internalServerError, type: "internal", title: "Internal server error",
                detail: "Something went wrong on our side; the request id identifies it in our logs."
            )
        }
    }
}
