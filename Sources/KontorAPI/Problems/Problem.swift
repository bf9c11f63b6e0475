import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import Logging

/// An RFC 9457 problem answer (`application/problem+json`). Every error leaves the API as one
/// of these; `errors` names each bad field.
public struct Problem: Error, HTTPResponseError, Sendable {
    public let status: HTTPResponse.Status
    public let type: String
    public let title: String
    public let detail: String
    public let errors: [FieldError]

    public init(status: HTTPResponse.Status, type: String, title: String, detail: String, errors: [FieldError] = []) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    struct Body: Encodable {
        let type: String
        let title: String
        let status: Int
        let detail: String
        let errors: [FieldError]?
        let requestId: String?

        enum CodingKeys: String, CodingKey {
            case type, title, status, detail, errors
            case requestId = "request_id"
        }
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(
            type: "https://kontor.dev/problems/\(type)", title: title, status: Int(status.code), detail: detail,
            errors: errors.isEmpty ? nil : errors, requestId: context.logger[metadataKey: "hb.request.id"]?.description
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(body)
        return Response(
            status: status,
            headers: [.contentType: "application/problem+json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}

extension Problem {
    /// The database does not answer: try again shortly. Nothing was written.
    public static let databaseUnavailable = Problem(
        status: .serviceUnavailable, type: "database-unavailable", title: "Service unavailable",
        detail: "The database is not reachable right now; nothing was changed. Retry in a few seconds.")

    public static func invalid(_ errors: [FieldError]) -> Problem {
        let fields = errors.map(\.field).joined(separator: ", ")
        return Problem(
            status: .unprocessableContent, type: "invalid-request", title: "Invalid request",
            detail: "Invalid field(s): \(fields)", errors: errors
        )
    }

    public static func badRequest(_ detail: String, field: String? = nil) -> Problem {
        Problem(
            status: .badRequest, type: "bad-request", title: "Bad request", detail: detail,
            errors: field.map { [FieldError(field: $0, message: detail)] } ?? []
        )
    }

    public static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, type: "not-found", title: "Not found", detail: detail)
    }

    public static let unauthorized = Problem(
        status: .unauthorized, type: "unauthorized", title: "Unauthorized",
        detail: "Send a valid API key as 'Authorization: Bearer <key>'."
    )
}
