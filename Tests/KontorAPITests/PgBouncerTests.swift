import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorEmbedded
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// With `KONTOR_TEST_PGBOUNCER=1` the whole suite runs through PgBouncer in transaction mode;
/// this test makes sure it really does: PgBouncer's own statistics count the test's
/// transactions for its database.
@Suite struct PgBouncerTests {
    @Test(.enabled(if: TestTopology.wantsBouncer))
    func theApplicationsTransactionsGoThroughPgBouncer() async throws {
        try await withTestAPI { client, fx in
            let port = try #require(await TestPostgres.shared.pgBouncerPort)
            let name = try await fx.database.client.query("SELECT current_database()", logger: fx.database.logger)
                .collect().first!.decode(String.self)
            for _ in 0..<20 {
                #expect(try await client.get("/v1/customers", fx).status == .ok)
            }
            // The admin console speaks the simple query protocol only: psql asks it.
            let psql = try PostgresBinaries.locate().directory + "/psql"
            let stats = try Shell.run(
                psql,
                [
                    "-h", "127.0.0.1", "-p", "\(port)", "-U", EmbeddedPostgres.username, "-At", "-F", ",",
                    "-c", "SHOW STATS", "pgbouncer",
                ])
            let row = stats.output.split(separator: "\n").first { $0.hasPrefix(name + ",") }
            let transactions = row.map { Int($0.split(separator: ",")[1]) ?? 0 } ?? 0
            #expect(transactions >= 20, "\(stats.output)")
        }
    }
}
