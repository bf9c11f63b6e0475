import PostgresNIO
import _ConnectionPoolModule

/// A transaction that failed because its server went away, not because of what it did: the
/// connection closed or broke, the pool was shut down under it (the connector switched
/// servers) or gave up connecting, the server is shutting down or starting (57P01–57P03), or it answered read-only
/// (25006: a demoted primary). `atCommit` says the failure hit COMMIT itself, so the outcome is
/// unknown; before that nothing was committed.
struct ServerLost: Error {
    let error: any Error
    let atCommit: Bool

    /// `error` as a `ServerLost` when it is one, else unchanged.
    static func wrapping(_ error: any Error, atCommit: Bool) -> any Error {
        if error is ConnectionAlreadyClosed { return ServerLost(error: error, atCommit: false) }  // never sent
        if let pool = error as? ConnectionPoolError,
            pool == .poolShutdown || pool == .connectionCreationCircuitBreakerTripped
        {
            return ServerLost(error: pool, atCommit: false)  // never got a connection
        }
        guard let psql = error as? PSQLError, isServerLost(psql) else { return error }
        return ServerLost(error: psql, atCommit: atCommit)
    }

    /// What the caller sees when no retry mends it: PostgreSQL's own error.
    var surfaced: any Error { atCommit ? StoreError.commitOutcomeUnknown : error }

    static func isServerLost(_ error: PSQLError) -> Bool {
        let lost: [PSQLError.Code] = [
            .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed,
        ]
        if lost.contains(error.code) {
            return true
        }
        guard error.code == .server else { return false }
        let state = error.serverInfo?[.sqlState] ?? ""
        return state.hasPrefix("57P") || state.hasPrefix("08") || state == "25006"
    }
}

extension Database {
    /// Whether `error` says the server went away rather than that the statement was wrong.
    public static func isServerLost(_ error: any Error) -> Bool {
        ServerLost.wrapping(error, atCommit: false) is ServerLost
    }
}
