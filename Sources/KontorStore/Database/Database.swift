import Logging
import PostgresNIO
import ServiceLifecycle

/// The application's handle on PostgreSQL: a pooled client (the connector's current one) plus
/// the logger its queries use.
///
/// One business operation is one transaction: `transaction { conn in … }` commits when the
/// closure returns and rolls back when it throws, and it rethrows the closure's own error
/// (not PostgresNIO's wrapper), so domain errors reach the HTTP edge intact.
public struct Database: Sendable {
    public let connector: DatabaseConnector
    public let logger: Logger
    /// Whether the database answers, as the last probe found (`DatabaseMonitor`).
    public let health: DatabaseHealth
    /// Optional read replica for reports (`DATABASE_REPLICA_URL`).
    public let replica: ReplicaRouter?

    public init(client: PostgresClient, logger: Logger, health: DatabaseHealth = DatabaseHealth()) {
        self.init(connector: DatabaseConnector(fixed: client, logger: logger), logger: logger, health: health)
    }

    public init(
        connector: DatabaseConnector, logger: Logger, health: DatabaseHealth = DatabaseHealth(),
        replica: ReplicaRouter? = nil
    ) {
        self.connector = connector
        self.logger = logger
        self.health = health
        self.replica = replica
    }

    /// The client of the server in use now.
    public var client: PostgresClient { connector.client }

    /// What an application runs for this database: the primary's connector (or client) and
    /// the replica's; first started, last stopped.
    public var services: [any Service] {
        [connector.service] + (replica.map { [$0.connector.service] } ?? [])
    }

    /// A transaction the server aborted for a deadlock (40P01) or a serialization failure
    /// (40001) did nothing: it is run again, up to `attempts` times in all. Bodies therefore
    /// keep their effects inside the transaction (network calls happen after commit).
    ///
    /// A transaction that lost its server before COMMIT was sent (the connection died, or the
    /// server turned read-only: a failover) did nothing either: once the connector has found
    /// the new primary it is run again, for up to `failoverWait`. Lost *during* COMMIT, nobody
    /// knows whether it committed: it is run again only when `idempotent` (an idempotency key
    /// or a unique business key makes a second run find the first), else the caller gets
    /// `StoreError.commitOutcomeUnknown`.
    public func transaction<Result: Sendable>(
        attempts: Int = 3, idempotent: Bool = false, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        var attempt = 1
        let giveUp = ContinuousClock.now + Self.failoverWait
        while true {
            let generation = connector.generation
            do {
                return try await transactionOnce(body)
            } catch let error as PSQLError where attempt < attempts && Self.isTransient(error) {
                logger.forQuery.notice(
                    "transaction retried", metadata: ["sqlstate": "\(error.serverInfo?[.sqlState] ?? "")"])
                attempt += 1
            } catch let failure as ServerLost {
                guard connector.canRelocate, ContinuousClock.now < giveUp else { throw failure.surfaced }
                if failure.atCommit && !idempotent { throw StoreError.commitOutcomeUnknown }
                logger.forQuery.warning(
                    "transaction lost its server; retrying on the current primary",
                    metadata: ["at_commit": "\(failure.atCommit)", "error": "\(String(reflecting: failure.error))"])
                await connector.relocate(after: generation)
                try await Task.sleep(for: .milliseconds(200))
                logger.forQuery.debug("transaction runs again", metadata: ["generation": "\(connector.generation)"])
            }
        }
    }

    /// How long an interrupted transaction waits for a failover before it gives up.
    public static let failoverWait = Duration.seconds(30)

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
            let result = try await connector.withTransaction(logger: logger.forQuery) { connection in
                try await body(connection)
            }
            logCommit(after: ContinuousClock.now - started)
            return result
        } catch let failure as TransactionFailure {
            switch failure {
            case .begin(let error), .body(let error): throw ServerLost.wrapping(error, atCommit: false)
            case .commit(let error): throw ServerLost.wrapping(error, atCommit: true)
            }
        } catch {
            throw ServerLost.wrapping(error, atCommit: false)  // no connection to begin on
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
        try await connector.withConnection { connection in try await body(connection) }
    }

    /// Runs `body` while holding the advisory lock named `key`: callers with the same key run
    /// one after the other, on this node or any other. The lock is transaction-scoped, held by
    /// a transaction left open on a connection of its own for as long as `body` runs, so it
    /// holds through PgBouncer in transaction mode too, and goes with its connection if the
    /// process dies.
    public func serialized<Result: Sendable>(
        key: String, _ body: () async throws -> Result
    ) async throws -> Result {
        try await connector.withConnection { lock in
            _ = try await lock.query("BEGIN", logger: logger.forQuery)
            do {
                _ = try await lock.query(
                    "SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger.forQuery)
                let result = try await body()
                _ = try await lock.query("COMMIT", logger: logger.forQuery)
                return result
            } catch {
                _ = try? await lock.query("ROLLBACK", logger: logger.forQuery)
                throw error
            }
        }
    }

    /// Whether the server in use answers — what `/health` asks. A server that answers but can
    /// no longer write, where writes are needed (demoted by a failover), is reported too.
    public func ping() async throws {
        guard connector.needsWrites else {
            _ = try await client.query("SELECT 1", logger: logger.forQuery).collect()
            return
        }
        let generation = connector.generation
        let rows = try await client.query(
            "SELECT current_setting('transaction_read_only') = 'on'", logger: logger.forQuery)
        for try await readOnly in rows.decode(Bool.self) where readOnly {
            await connector.relocate(after: generation)
        }
    }
}
