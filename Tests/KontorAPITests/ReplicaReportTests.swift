import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// With a read replica (`KONTOR_TEST_REPLICA=1`: a streaming standby of the test cluster),
/// reports come from it — but never older than the request: while its replay is held back,
/// the primary answers, with the invoice the replica has not seen yet.
@Suite struct ReplicaReportTests {
    @Test(.enabled(if: TestTopology.wantsReplica))
    func reportsComeFromTheReplicaOnlyOnceItHasCaughtUp() async throws {
        try await withTestAPI { client, fx in
            let replica = try #require(fx.database.replica)
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-10T09:00:00Z", fx)
            let cus =
                try await client.post(
                    "/v1/customers", fx,
                    #"{"name": "Replica GmbH", "kind": "business", "currency": "EUR", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            func invoice() async throws {
                let made = try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": 10000}]}"#
                )
                #expect(made.status == .created, "\(made.text)")
            }
            func openItems() async throws -> Int {
                let report = try await client.get("/v1/reports/open_items?as_of=2027-03-10", fx).json()
                return (report["items"] as! [[String: Any]]).count
            }
            // Under the whole suite's writes the replica may lag more than the 2 s a report waits:
            // then the primary answers (correctly); a report from the replica comes once it is back.
            func eventuallyFromReplica(_ report: () async throws -> Void) async throws -> Bool {
                for _ in 0..<30 {
                    let served = replica.served.replica
                    try await report()
                    if replica.served.replica > served { return true }
                }
                return false
            }
            try await invoice()
            var count = 0
            #expect(try await eventuallyFromReplica { () async throws in count = try await openItems() })
            #expect(count == 1)

            // Replay held back: the replica lags behind the second invoice, so the primary answers.
            _ = try await replica.connector.client.query("SELECT pg_wal_replay_pause()", logger: fx.database.logger)
                .collect()
            try await invoice()
            let primaryBefore = replica.served.primary
            #expect(try await openItems() == 2, "never older than the request")
            #expect(replica.served.primary == primaryBefore + 1, "the primary answered")

            _ = try await replica.connector.client.query("SELECT pg_wal_replay_resume()", logger: fx.database.logger)
                .collect()
            #expect(try await eventuallyFromReplica { () async throws in count = try await openItems() })
            #expect(count == 2)
            var status = 0
            let aging = try await eventuallyFromReplica { () async throws in
                status = Int(try await client.get("/v1/reports/aging?as_of=2027-03-10", fx).status.code)
            }
            #expect(aging && status == 200, "aging too")
        }
    }
}
