/// Failures of an application service that the caller caused. Mapped to problem answers at
/// the HTTP edge, in one place.
public enum EngineError: Error, Equatable, Sendable {
    /// The object does not exist for this tenant (another tenant's object included).
    case notFound(resource: String, id: String)
    /// The request conflicts with the current state (409).
    case conflict(String)
    /// The key may not do this (a live-mode key and the test clock) (403).
    case forbidden(String)
    /// An idempotency key was reused for a different request (409).
    case idempotencyKeyReused
}
