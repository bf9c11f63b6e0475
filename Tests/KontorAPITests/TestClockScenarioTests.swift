import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// A year and a month of one subscription, lived through the test clock: trial, seat increase
/// mid-period, plan upgrade, metered usage, cancellation at period end — every line to the cent.
@Suite struct TestClockScenarioTests {
    struct Line: Equatable, CustomStringConvertible {
        let charge: String?
        let amount: Int
        let tax: Int
        let period: String?
        var description: String { "\(charge ?? "-") \(amount)+\(tax) \(period ?? "")" }
    }

    func line(_ charge: String?, _ amount: Int, _ tax: Int, _ period: String? = nil) -> Line {
        Line(charge: charge, amount: amount, tax: tax, period: period)
    }

    @Test func thirteenMonthsOfAMonthlySubscription() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-01-17T09:00:00Z", fx)
            let customer =
                try await client.post(
                    "/v1/customers", fx,
                    #"{"name": "Muster GmbH", "kind": "business", "address": {"line1": "Weg 2", "postal_code": "80331", "city": "München", "country": "DE"}}"#
                ).json()["id"] as! String
            // Paid by card, automatically: the subscription stays active all year.
            let card = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(customer)", "type": "card", "card": {"token": "tok_visa", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2031}}"#
            )
            #expect(card.status == .created)
            let sub = try await client.post(
                "/v1/subscriptions", fx,
                #"{"customer": "\#(customer)", "plan": "team", "quantity": 2, "trial_days": 14}"#
            ).json()
            let id = sub["id"] as! String
            #expect(sub["status"] as? String == "trialing")
            #expect(sub["trial_end"] as? String == "2027-01-31")
            #expect(sub["billing_anchor"] as? String == "2027-01-31")

            try await client.advanceClock(to: "2027-03-16T09:00:00Z", fx)
            #expect(try await client.get("/v1/subscriptions/\(id)", fx).json()["status"] as? String == "active")
            let seats = try await client.post(
                "/v1/subscriptions/\(id)/change", fx, #"{"quantity": 5, "proration": "immediate"}"#
            )
            #expect(seats.status == .ok)

            try await client.advanceClock(to: "2027-04-15T09:00:00Z", fx)
            let upgrade = try await client.post(
                "/v1/subscriptions/\(id)/change", fx, #"{"plan": "scale", "quantity": 8}"#)
            #expect(upgrade.status == .ok)
            try await client.advanceClock(to: "2027-04-25T09:00:00Z", fx)
            for (usageID, at, quantity) in [
                ("u1", "2027-04-20T10:00:00Z", 20000), ("u2", "2027-04-24T10:00:00Z", 5000),
            ] {
                let recorded = try await client.post(
                    "/v1/usage", fx,
                    #"{"id": "\#(usageID)", "subscription": "\#(id)", "metric": "api_calls", "quantity": \#(quantity), "timestamp": "\#(at)"}"#
                )
                #expect(recorded.status == .created)
            }
            let repeated = try await client.post(
                "/v1/usage", fx,
                #"{"id": "u1", "subscription": "\#(id)", "metric": "api_calls", "quantity": 20000, "timestamp": "2027-04-20T10:00:00Z"}"#
            )
            #expect(repeated.status == .ok)

            try await client.advanceClock(to: "2027-05-02T09:00:00Z", fx)
            let late = try await client.post(
                "/v1/usage", fx,
                #"{"id": "u3", "subscription": "\#(id)", "metric": "api_calls", "quantity": 1, "timestamp": "2027-04-29T10:00:00Z"}"#
            )
            #expect(late.status == .unprocessableContent)
            #expect(try late.errorFields() == ["timestamp"])

            try await client.advanceClock(to: "2027-12-10T09:00:00Z", fx)
            let cancel = try await client.post("/v1/subscriptions/\(id)/cancel", fx, #"{"at": "period_end"}"#)
            #expect(try cancel.json()["cancel_at_period_end"] as? Bool == true)
            try await client.advanceClock(to: "2028-02-17T09:00:00Z", fx)

            let final = try await client.get("/v1/subscriptions/\(id)", fx).json()
            #expect(final["status"] as? String == "canceled")
            #expect(final["ended_on"] as? String == "2027-12-31")

            let invoices =
                (try await client.get("/v1/invoices?subscription=\(id)&limit=100", fx).json()["data"]
                as! [[String: Any]]).reversed()
            let summary = invoices.map { invoice -> (String, String, [Line]) in
                (
                    invoice["number"] as! String, invoice["issue_date"] as! String,
                    (invoice["lines"] as! [[String: Any]]).map { l in
                        line(
                            l["charge"] as? String, l["amount"] as! Int, l["tax_amount"] as! Int,
                            (l["period_start"] as? String).map { start in "\(start)/\(l["period_end"] as! String)" }
                        )
                    }
                )
            }
            func cycle(_ start: String, _ end: String, _ seats: Int, _ price: Int, team: Bool) -> [Line] {
                let seatAmount = seats * price
                let seatTax = (seatAmount * 19 + 50) / 100
                return team
                    ? [
                        line("base", 4900, 931, "\(start)/\(end)"),
                        line("seats", seatAmount, seatTax, "\(start)/\(end)"),
                    ]
                    : [line("seats", seatAmount, seatTax, "\(start)/\(end)")]
            }
            var expected: [(String, String, [Line])] = [
                ("2027-000001", "2027-01-17", [line("onboarding", 19900, 3781)]),
                ("2027-000002", "2027-01-31", cycle("2027-01-31", "2027-02-28", 2, 900, team: true)),
                ("2027-000003", "2027-02-28", cycle("2027-02-28", "2027-03-31", 2, 900, team: true)),
                // 15 of 31 days left: 2 seats credited (1800 × 15/31 = 870.97), 5 charged (4500 × 15/31 = 2177.42)
                (
                    "2027-000004", "2027-03-16",
                    [
                        line("seats", -871, -165, "2027-03-16/2027-03-31"),
                        line("seats", 2177, 414, "2027-03-16/2027-03-31"),
                    ]
                ),
                ("2027-000005", "2027-03-31", cycle("2027-03-31", "2027-04-30", 5, 900, team: true)),
                // 15 of 30 days left: Team credited (2450 + 2250), Scale's 8 seats charged (12000 / 2)
                (
                    "2027-000006", "2027-04-15",
                    [
                        line("base", -2450, -466, "2027-04-15/2027-04-30"),
                        line("seats", -2250, -428, "2027-04-15/2027-04-30"),
                        line("seats", 6000, 1140, "2027-04-15/2027-04-30"),
                    ]
                ),
                // 25,000 calls, the first 10,000 included; then 8 seats × 15.00 in advance
                (
                    "2027-000007", "2027-04-30",
                    [line("api_calls", 15000, 2850, "2027-03-31/2027-04-30")]
                        + cycle("2027-04-30", "2027-05-31", 8, 1500, team: false)
                ),
            ]
            let ends = [
                "2027-05-31", "2027-06-30", "2027-07-31", "2027-08-31", "2027-09-30", "2027-10-31", "2027-11-30",
                "2027-12-31",
            ]
            for (n, (start, end)) in zip(ends, ends.dropFirst()).enumerated() {
                expected.append(
                    ("2027-0000\(String(format: "%02d", n + 8))", start, cycle(start, end, 8, 1500, team: false)))
            }
            #expect(summary.count == expected.count)
            for (got, want) in zip(summary, expected) {
                #expect(got.0 == want.0)
                #expect(got.1 == want.1, "issue date of \(want.0)")
                #expect(got.2 == want.2, "lines of \(want.0)")
            }
            for invoice in invoices {
                let lines = invoice["lines"] as! [[String: Any]]
                #expect(invoice["subtotal"] as? Int == lines.reduce(0) { $0 + ($1["amount"] as! Int) })
                #expect(invoice["tax"] as? Int == lines.reduce(0) { $0 + ($1["tax_amount"] as! Int) })
            }
            #expect(try await fx.trialBalance() == ["EUR": 0])
            #expect(invoices.allSatisfy { $0["status"] as? String == "paid" })
            let types = try await fx.eventTypes()
            #expect(types.filter { $0 == "invoice.paid" }.count == expected.count)
            #expect(!types.contains("invoice.overdue"))
            #expect(types.filter { $0 == "invoice.finalized" }.count == expected.count)
            #expect(types.contains("subscription.created") && types.contains("subscription.canceled"))
            #expect(types.filter { $0 == "subscription.updated" }.count == 4)  // active, seats, upgrade, cancel

            let periods = try await client.get("/v1/subscriptions/\(id)/periods", fx).json()["data"] as! [[String: Any]]
            #expect(periods.first?["trial"] as? Bool == true)
            #expect(periods.count == 12)  // the trial and 11 paid months
            #expect(periods.last?["end"] as? String == "2027-12-31")
        }
    }

    @Test func theTestClockRefusesLiveKeysAndGoingBack() async throws {
        try await withTestAPI { client, fx in
            let past = try await client.post("/v1/test_clock/advance", fx, #"{"to": "2020-01-01T00:00:00Z"}"#)
            #expect(past.status == .unprocessableContent)
            #expect(try past.errorFields() == ["to"])
            let (live, _) = try await TenantRepository(database: fx.database).create(name: "Live", livemode: true)
            let key = try await TenantRepository(database: fx.database).issueKey(for: live)
            let refused = try await client.send(.get, "/v1/test_clock", key: key.secret)
            #expect(refused.status == .forbidden)
            // Setting the clock freely is only for a fresh scenario: not once something is billed.
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2020-01-01T00:00:00Z", fx)
            let cus =
                try await client.post("/v1/customers", fx, #"{"name": "Ada", "kind": "consumer"}"#).json()["id"]
                as! String
            _ = try await client.post("/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter"}"#)
            let late = try await client.send(
                .post, "/v1/test_clock", key: fx.apiKey, json: #"{"frozen_time": "2030-01-01T00:00:00Z"}"#
            )
            #expect(late.status == .conflict)
        }
    }
}
