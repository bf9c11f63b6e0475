import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine

/// How a route answers an operation's result: its status and its JSON. The engine stores this
/// answer with an idempotency key, so a replay sends exactly the bytes of the first answer.
struct Answer<Result: Sendable>: Sendable {
    let status: HTTPResponse.Status
    let encode: @Sendable (Result) throws -> Data

    func stored(_ result: Result) throws -> StoredResponse {
        StoredResponse(status: status.code, body: try encode(result))
    }

    /// The request's `Idempotency-Key`, if any, bound to this answer.
    func idempotency(_ request: Request, body: [UInt8]) throws -> Idempotency<Result>? {
        try IdempotencyHeader.request(request, body: body).map { Idempotency($0, respond: stored) }
    }

    func response(_ outcome: OperationOutcome<Result>) throws -> Response {
        let (stored, replayed) = try outcome.response(stored)
        return .stored(stored, replayed: replayed)
    }
}
