import Logging

/// The logger of the work a query serves — an API request's, carrying its request id and
/// tenant — so that what PostgresNIO logs about a query (errors, and at `trace` the protocol)
/// can be traced to the request that sent it. The HTTP layer binds it per request; workers run
/// without one and log with the database's own logger.
public enum QueryLogger {
    @TaskLocal public static var current: Logger?
}

extension Logger {
    /// This logger, or the logger of the request being served when there is one.
    public var forQuery: Logger { QueryLogger.current ?? self }
}
