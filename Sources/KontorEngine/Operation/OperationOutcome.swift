import Foundation
import KontorCore
import KontorStore

/// How an idempotent operation's result is answered, supplied by the route: the engine makes no
/// HTTP status, but the answer to a key must be stored in the transaction that did the work.
public struct Idempotency<Result>: Sendable {
    public let request: IdempotencyRequest
    public let respond: @Sendable (Result) throws -> StoredResponse

    public init(_ request: IdempotencyRequest, respond: @escaping @Sendable (Result) throws -> StoredResponse) {
        self.request = request
        self.respond = respond
    }
}

/// An operation's outcome: done now, or the answer stored for its idempotency key.
public enum OperationOutcome<Result: Sendable>: Sendable {
    case performed(Result)
    case replayed(StoredResponse)

    /// The answer: the stored bytes of a replay, or `respond` applied to a fresh result.
    public func response(_ respond: (Result) throws -> StoredResponse) rethrows -> (StoredResponse, replayed: Bool) {
        switch self {
        case .performed(let result): (try respond(result), false)
        case .replayed(let stored): (stored, true)
        }
    }
}
