import Logging
import PostgresNIO
import Synchronization

/// The read replica that serves reports (`DATABASE_REPLICA_URL`), and the rule that keeps them
/// fresh: a report goes to the replica only once the replica has replayed the primary's WAL up
/// to where it stood when the report was asked for — so a report there never shows less than
/// the primary would have (every commit before the request is in it). A replica that does not
/// catch up within `maxWait`, or does not answer, leaves the report to the primary.
public final class ReplicaRouter: Sendable {
    public let connector: DatabaseConnector
    let logger: Logger
    let maxWait: Duration
    let counts = Mutex((replica: 0, primary: 0))

    public init(connector: DatabaseConnector, logger: Logger, maxWait: Duration = .seconds(2)) {
        self.connector = connector
        self.logger = logger
        self.maxWait = maxWait
    }

    /// How many reports each side served so far (also in `/metrics`).
    public var served: (replica: Int, primary: Int) { counts.withLock { $0 } }

    func record(replica: Bool) {
        counts.withLock { replica ? ($0.replica += 1) : ($0.primary += 1) }
    }

    /// Waits on `conn` (a replica connection) until it has replayed `lsn`; false when it has
    /// not within `maxWait`.
    func waitForReplay(of lsn: String, on conn: PostgresConnection) async throws -> Bool {
        let giveUp = ContinuousClock.now + maxWait
        while true {
            let rows = try await conn.query(
                "SELECT coalesce(pg_last_wal_replay_lsn() >= \(lsn)::pg_lsn, true)", logger: logger.forQuery)
            var caughtUp = false
            for try await value in rows.decode(Bool.self) { caughtUp = value }
            if caughtUp { return true }
            if ContinuousClock.now >= giveUp { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension Database {
    /// Runs a report's reads in one read-only REPEATABLE READ transaction: on the replica when
    /// there is one and it has caught up with this moment (see `ReplicaRouter`), else on the
    /// primary. Errors of `body` itself are never retried elsewhere (rows may have gone out).
    public func report<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        if let replica, let lsn = try? await currentWALPosition() {
            let attempt: ReplicaAttempt<Result>
            do {
                attempt = try await replica.connector.withConnection { conn in
                    guard try await replica.waitForReplay(of: lsn, on: conn) else { return .behind }
                    do {
                        return .served(try await Self.readOnlyTransaction(on: conn, logger: logger, body))
                    } catch {
                        return .failed(error)
                    }
                }
            } catch {
                attempt = .unavailable(error)
            }
            switch attempt {
            case .served(let result):
                replica.record(replica: true)
                return result
            case .failed(let error):
                throw error
            case .behind:
                logger.notice("replica behind the primary; report served by the primary")
            case .unavailable(let error):
                logger.warning("replica unavailable; report served by the primary", metadata: ["error": "\(error)"])
            }
            replica.record(replica: false)
        }
        return try await withConnection { conn in try await Self.readOnlyTransaction(on: conn, logger: logger, body) }
    }

    /// The primary's WAL insert position now, as text (`0/16B3748`).
    func currentWALPosition() async throws -> String {
        let rows = try await client.query("SELECT pg_current_wal_lsn()::text", logger: logger.forQuery)
        for try await lsn in rows.decode(String.self) { return lsn }
        throw StoreError.notFound
    }

    nonisolated(nonsending) static func readOnlyTransaction<Result: Sendable>(
        on conn: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        _ = try await conn.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY", logger: logger.forQuery)
        do {
            let result = try await body(conn)
            _ = try await conn.query("COMMIT", logger: logger.forQuery)
            return result
        } catch {
            _ = try? await conn.query("ROLLBACK", logger: logger.forQuery)
            throw error
        }
    }
}

/// How a report's try on the replica ended: served; refused because the replica is behind or
/// does not answer (the primary serves); or failed inside the report (not retried elsewhere).
enum ReplicaAttempt<Result: Sendable>: Sendable {
    case served(Result)
    case behind
    case unavailable(any Error)
    case failed(any Error)
}
