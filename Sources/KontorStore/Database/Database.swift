import Logging
import PostgresNIO

/// The application's handle on PostgreSQL: a pooled client plus the logger its queries use.
///
/// One business operation is one transaction: `transaction { conn in … }` commits when the
/// closure returns and rolls back when it throws, and it rethrows the closure's own error
/// (not PostgresNIO's wrapper), so domain errors reach the HTTP edge intact.
public struct Database: Sendable {
    public let client: PostgresClient
    public let logger: Logger
    /// Whether the database answers, as the last probe found (`DatabaseMonitor`).
    public let health: DatabaseHealth

    public init(client: PostgresClient, logger: Logger, health: DatabaseHealth = DatabaseHealth()) {
        self.client = client
        self.logger = logger
        self.health = health
    }

    /// A transaction the server aborted for a deadlock (40P01) or a serialization failure
    /// (40001) did nothing: it is run again, up to `attempts` times in all. Bodies therefore
    /// keep their effects inside the transaction (network calls happen after commit).
    public func transaction<Result: Sendable>(
        attempts: Int = 3, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        while true {
            do {
                return try await transactionOnce(body)
            } catch let error as PSQLError where attempt < attempts && Self.isTransient(error) {
                logger.forQuery.notice(
                    "transaction retried", metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
                attempt += 1
            }
        }
    }

    /// Deadlock or serialization failure: the server rolled the transaction back.
    public static func isTransient(_ error: PSQLError) -> Bool {
        guard error.code == .server, let state = error.serverInfo?[.sqlState] else { return false }
        return state == "40P01" || state == "40001"
    }

    func transactionOnce<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let started = ContinuousClock.now
        do {
            let result = try await client.withTransaction(logger: logger.forQuery) { connection in
                try await body(connection)
            }
            logCommit(after: ContinuousClock.now - started)
            return result
        } catch let error as PostgresTransactionError {
            if let closureError = error.closureError { throw closureError }
            if let beginError = error.beginError { throw beginError }
            if let commitError = error.commitError { throw commitError }
            throw error
        }
    }

    /// Transactions longer than this are logged as a warning (they hold locks other work waits on).
    public static let slowTransaction = Duration.seconds(1)

    /// A commit, with how long the transaction took, in the log of the work it served.
    func logCommit(after elapsed: Duration) {
        let ms = elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000
        let logger = logger.forQuery
        if elapsed > Self.slowTransaction {
            logger.warning("slow transaction", metadata: ["duration_ms": "\(ms)"])
        } else {
            logger.trace("transaction committed", metadata: ["duration_ms": "\(ms)"])
        }
    }

    public func withConnection<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in try await body(connection) }
    }

    /// Runs `body` while holding the session advisory lock named `key` on a connection of its
    /// own: callers with the same key run one after the other, on this node or any other.
    /// The lock goes with its connection if the process dies.
    public func serialized<Result: Sendable>(
        key: String, _ body: () async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { lock in
            _ = try await lock.query("SELECT pg_advisory_lock(hashtextextended(\(key), 0))", logger: logger.forQuery)
            do {
                let result = try await body()
                _ = try await lock.query(
                    "SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger.forQuery)
                return result
            } catch {
                _ = try? await lock.query(
                    "SELECT pg_advisory_unlock(hashtextextended(\(key), 0))", logger: logger.forQuery)
                throw error
            }
        }
    }

    /// `SELECT 1` — what `/health` asks.
    public func ping() async throws {
        _ = try await client.query("SELECT 1", logger: logger.forQuery).collect()
    }
}
