import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// `payment_method.expiring` 30 days before a card's expiry month ends (tenant time zone),
/// `payment_method.expired` when it has — once per card and expiry date.
@Suite struct CardExpiryTests {
    func addCard(_ client: some TestClientProtocol, _ fx: APIFixture, customer: String, month: Int, year: Int)
        async throws -> String
    {
        let response = try await client.post(
            "/v1/payment_methods", fx,
            #"{"customer": "\#(customer)", "type": "card", "card": {"token": "tok_\#(month)_\#(year)", "brand": "visa", "last4": "1234", "exp_month": \#(month), "exp_year": \#(year)}}"#
        )
        #expect(response.status == .created, "\(response.text)")
        return try response.json()["id"] as! String
    }

    func customer(_ client: some TestClientProtocol, _ fx: APIFixture) async throws -> String {
        try await client.post("/v1/customers", fx, #"{"name": "Ada", "kind": "consumer"}"#).json()["id"] as! String
    }

    /// (type, payment method, created_at) of the card events so far.
    func notices(_ fx: APIFixture) async throws -> [(String, String, Date)] {
        let rows = try await fx.database.client.query(
            "SELECT type, object_id, created_at FROM events WHERE type LIKE 'payment_method.%' ORDER BY seq",
            logger: fx.database.logger
        )
        var result: [(String, String, Date)] = []
        for try await (type, id, at) in rows.decode((String, String, Date).self) { result.append((type, id, at)) }
        return result
    }

    func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func decemberCardWarnsOnDecember2AndExpiresOnJanuary1BerlinTime() async throws {
        try await withTestAPI { client, fx in
            try await client.freezeClock(at: "2027-11-01T10:00:00Z", fx)
            let card = try await addCard(client, fx, customer: try await customer(client, fx), month: 12, year: 2027)
            try await client.advanceClock(to: "2027-12-01T22:59:00Z", fx)  // 23:59 in Berlin on Dec 1
            #expect(try await notices(fx).isEmpty)
            try await client.advanceClock(to: "2027-12-20T00:00:00Z", fx)
            let warned = try await notices(fx)
            #expect(warned.map(\.0) == ["payment_method.expiring"])
            #expect(warned.first?.1 == card)
            #expect(warned.first?.2 == instant("2027-12-01T23:00:00Z"))  // Dec 2, 00:00 CET
            try await client.advanceClock(to: "2028-01-05T00:00:00Z", fx)
            let all = try await notices(fx)
            #expect(all.map(\.0) == ["payment_method.expiring", "payment_method.expired"])
            #expect(all.last?.2 == instant("2027-12-31T23:00:00Z"))  // Jan 1, 00:00 CET
            try await client.advanceClock(to: "2028-06-01T00:00:00Z", fx)
            #expect(try await notices(fx).count == 2)
        }
    }

    @Test func februaryCardOfALeapYearWarnsOnJanuary31() async throws {
        try await withTestAPI { client, fx in
            try await client.freezeClock(at: "2027-12-15T10:00:00Z", fx)
            _ = try await addCard(client, fx, customer: try await customer(client, fx), month: 2, year: 2028)
            try await client.advanceClock(to: "2028-02-10T00:00:00Z", fx)
            let warned = try await notices(fx)
            #expect(warned.map(\.0) == ["payment_method.expiring"])
            #expect(warned.first?.2 == instant("2028-01-30T23:00:00Z"))  // Jan 31, 00:00 CET
            try await client.advanceClock(to: "2028-03-02T00:00:00Z", fx)
            #expect(try await notices(fx).last?.2 == instant("2028-02-29T23:00:00Z"))  // Mar 1, 00:00 CET
        }
    }

    @Test func aReplacedOrRenewedCardDoesNotFire() async throws {
        try await withTestAPI { client, fx in
            try await client.freezeClock(at: "2027-10-01T10:00:00Z", fx)
            let ada = try await customer(client, fx)
            let old = try await addCard(client, fx, customer: ada, month: 11, year: 2027)
            let new = try await addCard(client, fx, customer: ada, month: 11, year: 2031)
            _ = try await client.post(
                "/v1/customers/\(ada)/default_payment_method", fx, #"{"payment_method": "\#(new)"}"#)
            let bob = try await customer(client, fx)
            let renewed = try await addCard(client, fx, customer: bob, month: 11, year: 2027)
            let patched = try await client.send(
                .patch, "/v1/payment_methods/\(renewed)", key: fx.apiKey,
                json: #"{"card": {"exp_month": 11, "exp_year": 2030}}"#
            )
            #expect(patched.status == .ok)
            try await client.advanceClock(to: "2027-12-15T00:00:00Z", fx)
            #expect(try await notices(fx).isEmpty)
            _ = old
        }
    }

    @Test func severalMonitorsSideBySideFireEachNoticeOnce() async throws {
        try await withTestAPI { client, fx in
            let cus = try await customer(client, fx)
            // Cards that expire in two years' time, and monitors run 5 days before that.
            let zone = TimeZone(identifier: "Europe/Berlin")!
            let expiry = try CardExpiry(month: 6, year: LocalDate(instant: Date(), in: zone).year + 2)
            let at = expiry.firstInvalidDay.adding(days: -5).startInstant(in: zone)
            for _ in 0..<5 {
                let other = try await customer(client, fx)
                _ = try await addCard(client, fx, customer: other, month: expiry.month, year: expiry.year)
            }
            _ = cus
            let monitor = CardExpiryMonitor(database: fx.database)
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 { group.addTask { try await monitor.run(now: at) } }
                var total = 0
                for try await n in group { total += n }
                #expect(total == 5)
            }
            #expect(try await notices(fx).count == 5)
            #expect(try await monitor.run(now: at) == 0)
        }
    }
}
