import Foundation
import KontorStore
import PostgresNIO

/// A failure of the database rather than of the request, as the HTTP edge answers it (503):
/// the engine knows PostgreSQL's errors, the edge only these two cases.
public enum DatabaseFailure: Sendable, Equatable {
    /// A deadlock or serialization failure that persisted through the retries: nothing was
    /// written; the client may try again.
    case conflict
    /// The connection failed, not the statement: the database is (for now) not there. A
    /// server's read-only answer during a failover counts too.
    case unavailable

    public init?(_ error: any Error) {
        guard let psql = error as? PSQLError else { return nil }
        if Database.isTransient(psql) {
            self = .conflict
        } else if Self.isConnectionFailure(psql) {
            self = .unavailable
        } else {
            return nil
        }
    }

    static func isConnectionFailure(_ error: PSQLError) -> Bool {
        if [.serverClosedConnection, .connectionError, .uncleanShutdown, .poolClosed].contains(error.code) {
            return true
        }
        guard error.code == .server else { return false }
        let state = error.serverInfo?[.sqlState] ?? ""
        // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now, 08xxx connection
        // exceptions, 25006 read-only transaction (a standby after failover).
        return state.hasPrefix("57P") || state.hasPrefix("08") || state == "25006"
    }
}
