import Foundation
import KontorTestSupport
import Logging
import PostgresNIO
import Testing

@testable import KontorStore

/// Work stuck on a server that no longer answers (a query or a COMMIT waiting on a frozen or
/// partitioned machine) is ended when its client generation is retired.
@Suite struct LeasedConnectionsTests {
    @Test func closingTheHeldConnectionsEndsWorkStuckOnThemAtOnce() async throws {
        try await withTestDatabase { db in
            let leases = LeasedConnections()
            let started = ContinuousClock.now
            let stuck = Task {
                try await db.client.withConnection { connection in
                    try await leases.holding(connection) { connection in
                        // Stands in for a server that never answers.
                        _ = try await connection.query("SELECT pg_sleep(60)", logger: db.logger).collect()
                    }
                }
            }
            while leases.count == 0 { try await Task.sleep(for: .milliseconds(20)) }
            await leases.closeAll()
            let failed: Bool
            do {
                try await stuck.value
                failed = false
            } catch {
                failed = true
            }
            #expect(failed, "the stuck query must fail, not finish")
            #expect(ContinuousClock.now - started < .seconds(20))
            #expect(leases.count == 0)
        }
    }

    @Test func aConnectionIsHeldOnlyWhileItsWorkRuns() async throws {
        try await withTestDatabase { db in
            let leases = LeasedConnections()
            let during = try await db.client.withConnection { connection in
                try await leases.holding(connection) { _ in leases.count }
            }
            #expect(during == 1)
            #expect(leases.count == 0)
            await #expect(throws: CancellationError.self) {
                try await db.client.withConnection { connection in
                    try await leases.holding(connection) { _ in throw CancellationError() }
                }
            }
            #expect(leases.count == 0)
        }
    }
}
