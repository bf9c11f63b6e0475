import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// Invariant 2: every period is invoiced exactly once — with two runs side by side, with a run
/// retried, and with a run that dies in the middle.
@Suite struct BillingRunTests {
    struct Killed: Error {}

    /// `count` subscriptions starting tomorrow (not yet due), and the instant they are all due.
    func seed(_ count: Int, client: some TestClientProtocol, fx: APIFixture) async throws -> Date {
        try await fx.prepareForBilling()
        let zone = TimeZone(identifier: "Europe/Berlin")!
        let tomorrow = LocalDate(instant: Date(), in: zone).adding(days: 1)
        for i in 0..<count {
            let customer =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "C\#(i)", "kind": "consumer", "address": {"country": "DE"}}"#
                ).json()["id"] as! String
            let plan = ["team", "scale", "starter", "storage"][i % 4]
            let created = try await client.post(
                "/v1/subscriptions", fx,
                #"{"customer": "\#(customer)", "plan": "\#(plan)", "trial_days": 0, "start_date": "\#(tomorrow)", "quantity": \#(1 + i % 5)}"#
            )
            #expect(created.status == .created)
        }
        #expect(try await fx.count("invoices") == 0)
        return tomorrow.startInstant(in: zone).addingTimeInterval(3600)
    }

    /// Invoice numbers as integers, sorted: must be exactly 1...n.
    func sequenceNumbers(_ fx: APIFixture) async throws -> [Int] {
        let rows = try await fx.database.client.query(
            "SELECT number FROM invoices ORDER BY seq", logger: fx.database.logger
        )
        var numbers: [Int] = []
        for try await number in rows.decode(String.self) { numbers.append(Int(number.suffix(6))!) }
        return numbers
    }

    func onceEach(_ fx: APIFixture) async throws -> Bool {
        try await fx.count(
            "(SELECT subscription_id FROM invoices GROUP BY subscription_id HAVING count(*) <> 1) AS twice"
        ) == 0
    }

    /// A subscription whose next boundary falls behind the run's cursor (another one, due
    /// later, was billed in the same batch) still catches up in this run, not one period a tick.
    @Test func aSubscriptionSeveralPeriodsBehindCatchesUpInOneRun() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let zone = TimeZone(identifier: "Europe/Berlin")!
            let start = LocalDate(instant: Date(), in: zone).adding(days: 1)
            var ids: [String] = []
            for offset in [0, 40] {
                let customer =
                    try await client.post(
                        "/v1/customers", fx,
                        #"{"name": "C\#(offset)", "kind": "consumer", "address": {"country": "DE"}}"#
                    ).json()["id"] as! String
                ids.append(
                    try await client.post(
                        "/v1/subscriptions", fx,
                        #"{"customer": "\#(customer)", "plan": "starter", "trial_days": 0, "start_date": "\#(start.adding(days: offset))"}"#
                    ).json()["id"] as! String)
            }
            let now = start.adding(days: 75).startInstant(in: zone)
            _ = try await BillingRun(database: fx.database, batchSize: 10).run(now: now, tenantID: fx.tenant.id)
            // Monthly: the first from day 0, 1 and 2 months on; the second from day 40 and a month on.
            #expect(try await fx.count("invoices WHERE subscription_id = '\(ids[0])'") == 3)
            #expect(try await fx.count("invoices WHERE subscription_id = '\(ids[1])'") == 2)
            #expect(
                try await fx.count(
                    "subscriptions WHERE next_billing_at <= '\(ISO8601DateFormatter().string(from: now))'") == 0)
        }
    }

    @Test func twoRunsSideBySideInvoiceEachPeriodOnceWithGapFreeNumbers() async throws {
        try await withTestAPI { client, fx in
            let due = try await seed(40, client: client, fx: fx)
            let run = BillingRun(database: fx.database, batchSize: 7)
            async let a = run.run(now: due)
            async let b = run.run(now: due)
            let (first, second) = try await (a, b)
            #expect(first.invoices + second.invoices == 40)
            #expect(first.subscriptions + second.subscriptions == 40)
            #expect(try await fx.count("invoices") == 40)
            #expect(try await onceEach(fx))
            // strictly increasing in commit order and without a gap
            #expect(try await sequenceNumbers(fx) == Array(1...40))
            #expect(try await fx.trialBalance() == ["EUR": 0])
            #expect(try await fx.count("events WHERE type = 'invoice.finalized'") == 40)
        }
    }

    @Test func aRetriedRunFindsNothingToDo() async throws {
        try await withTestAPI { client, fx in
            let due = try await seed(12, client: client, fx: fx)
            let run = BillingRun(database: fx.database, batchSize: 5)
            #expect(try await run.run(now: due).invoices == 12)
            let again = try await run.run(now: due)
            #expect(again.invoices == 0 && again.subscriptions == 0)
            #expect(try await fx.count("invoices") == 12)
            #expect(try await fx.count("ledger_entries") == 36)
        }
    }

    @Test func aRunKilledMidBatchLosesNothingAndDoublesNothing() async throws {
        try await withTestAPI { client, fx in
            let due = try await seed(25, client: client, fx: fx)
            let dying = BillingRun(database: fx.database, batchSize: 10).failing { batch in
                if batch == 2 { throw Killed() }
            }
            await #expect(throws: Killed.self) { try await dying.run(now: due) }
            // The first batch committed; the second rolled back with its numbers.
            #expect(try await fx.count("invoices") == 10)
            #expect(try await fx.count("ledger_entries") == 30)
            #expect(try await sequenceNumbers(fx) == Array(1...10))
            let restarted = try await BillingRun(database: fx.database, batchSize: 10).run(now: due)
            #expect(restarted.invoices == 15)
            #expect(try await fx.count("invoices") == 25)
            #expect(try await onceEach(fx))
            #expect(try await sequenceNumbers(fx) == Array(1...25))
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }

    @Test func theUniqueKeyRefusesASecondInvoiceForTheSamePeriod() async throws {
        try await withTestAPI { client, fx in
            let due = try await seed(1, client: client, fx: fx)
            try await BillingRun(database: fx.database).run(now: due)
            // Pretend the subscription's state was lost: the period is due again.
            try await fx.execute(
                "UPDATE subscriptions SET next_billing_date = start_date, next_billing_at = now() - interval '1 hour', current_period_start = NULL, current_period_end = NULL"
            )
            await #expect(throws: (any Error).self) { try await BillingRun(database: fx.database).run(now: due) }
            #expect(try await fx.count("invoices") == 1)
            #expect(try await sequenceNumbers(fx) == [1])
        }
    }
}
