import Logging
import PostgresNIO

/// BEGIN, the body, then COMMIT — or ROLLBACK — on one connection, with every failure saying
/// where it happened (`TransactionFailure`).
///
/// Unlike `PostgresConnection.withTransaction`, nothing is sent on a connection that is already
/// closed: PostgresNIO hands such a query to a channel whose handler is gone, and its answer
/// never comes (the caller would wait forever — seen after a failover, when the query before
/// the ROLLBACK failed because the server died). A ROLLBACK that does not answer within
/// `rollbackLimit` is abandoned and its connection closed; the pool then replaces it.
enum TransactionScope {
    static let rollbackLimit = Duration.seconds(5)

    static func run<Result>(
        on connection: PostgresConnection, logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        do {
            try await send("BEGIN", on: connection, logger: logger)
        } catch {
            throw TransactionFailure.begin(error)
        }
        let value: Result
        do {
            value = try await body(connection)
        } catch {
            await rollback(connection, logger: logger)
            throw TransactionFailure.body(error)
        }
        // Closed after the body and before COMMIT went out: nothing was committed.
        guard !connection.isClosed else { throw TransactionFailure.body(ConnectionAlreadyClosed()) }
        do {
            try await send("COMMIT", on: connection, logger: logger)
        } catch {
            throw TransactionFailure.commit(error)
        }
        return value
    }

    private static func send(_ sql: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws {
        guard !connection.isClosed else { throw ConnectionAlreadyClosed() }
        _ = try await connection.query(sql, logger: logger)
    }

    /// Rolls back where that can still be said; a server that died took the transaction with it.
    private static func rollback(_ connection: PostgresConnection, logger: Logger) async {
        guard !connection.isClosed else { return }
        let answered = await firstAnswer(within: rollbackLimit, otherwise: false) {
            (try? await send("ROLLBACK", on: connection, logger: logger)) != nil
        }
        if !answered { try? await connection.close() }
    }
}

/// Where a transaction failed: before it began, in its body (nothing committed), or at COMMIT
/// (the outcome is unknown when the connection was lost there).
enum TransactionFailure: Error {
    case begin(any Error)
    case body(any Error)
    case commit(any Error)
}

/// The connection was closed before a statement could be sent on it (the server went away).
struct ConnectionAlreadyClosed: Error {}
