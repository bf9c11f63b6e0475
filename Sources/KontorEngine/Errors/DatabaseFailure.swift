import Foundation
import KontorStore
import PostgresNIO

/// A failure of the database rather than of the request, as the HTTP edge answers it (503):
/// the engine knows PostgreSQL's errors, the edge only these cases.
public enum DatabaseFailure: Sendable, Equatable {
    /// A deadlock or serialization failure that persisted through the retries: nothing was
    /// written; the client may try again.
    case conflict
    /// The connection failed, not the statement: the database is (for now) not there. A
    /// server's read-only answer during a failover counts too.
    case unavailable
    /// The connection died during COMMIT and the operation had no idempotency key to retry
    /// with: the change may or may not be saved.
    case outcomeUnknown

    public init?(_ error: any Error) {
        if let store = error as? StoreError, store == .commitOutcomeUnknown {
            self = .outcomeUnknown
            return
        }
        if let psql = error as? PSQLError, Database.isTransient(psql) {
            self = .conflict
        } else if Database.isServerLost(error) {
            self = .unavailable
        } else {
            return nil
        }
    }
}
