import Foundation

/// An answer kept for an idempotency key: the status and bytes the route produced the first
/// time, replayed unchanged for a retry of the same request.
public struct StoredResponse: Sendable, Equatable {
    public let status: Int
    public let body: Data

    public init(status: Int, body: Data) {
        self.status = status
        self.body = body
    }
}
