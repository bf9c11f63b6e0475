import Foundation
import KontorTestSupport
import Logging
import PostgresNIO
import Testing

@testable import KontorStore

/// A transaction whose connection died must fail at once, never wait for an answer that
/// cannot come (PostgresNIO never answers a query sent on a closed connection).
@Suite struct TransactionScopeTests {
    @Test func aTransactionWhoseConnectionClosedFailsInsteadOfWaitingForever() async throws {
        try await withTestDatabase { db in
            let started = ContinuousClock.now
            var failure: TransactionFailure?
            do {
                try await db.client.withConnection { connection in
                    try await TransactionScope.run(on: connection, logger: db.logger) { connection in
                        _ = try await connection.query("SELECT 1", logger: db.logger).collect()
                        try await connection.close()  // the server went away mid-transaction
                        throw CancellationError()
                    }
                }
            } catch let error as TransactionFailure {
                failure = error
            }
            guard case .body(let error) = failure else {
                Issue.record("expected a body failure, got \(String(describing: failure))")
                return
            }
            #expect(error is CancellationError)
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }

    @Test func aClosedConnectionIsNotCommittedOnAndCountsAsLostBeforeCommit() async throws {
        try await withTestDatabase { db in
            var failure: TransactionFailure?
            do {
                try await db.client.withConnection { connection in
                    try await TransactionScope.run(on: connection, logger: db.logger) { connection in
                        try await connection.close()
                    }
                }
            } catch let error as TransactionFailure {
                failure = error
            }
            guard case .body(let error) = failure else {
                Issue.record("expected a failure before COMMIT, got \(String(describing: failure))")
                return
            }
            #expect(Database.isServerLost(error))
        }
    }

    @Test func aFailingBodyIsRolledBack() async throws {
        try await withTestDatabase { db in
            _ = try await db.client.query("CREATE TABLE scope_probe (n int)", logger: db.logger)
            await #expect(throws: TransactionFailure.self) {
                try await db.client.withConnection { connection in
                    try await TransactionScope.run(on: connection, logger: db.logger) { connection in
                        _ = try await connection.query("INSERT INTO scope_probe VALUES (1)", logger: db.logger)
                        throw CancellationError()
                    }
                }
            }
            try await db.transaction { connection in
                _ = try await connection.query("INSERT INTO scope_probe VALUES (2)", logger: db.logger)
            }
            let rows = try await db.client.query("SELECT n FROM scope_probe", logger: db.logger)
            var seen: [Int] = []
            for try await n in rows.decode(Int.self) { seen.append(n) }
            #expect(seen == [2])
        }
    }
}
