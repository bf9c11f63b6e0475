import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorTestSupport
import Testing

/// `POST /v1/usage/batch`: up to 1,000 events at once, all or nothing, deduplicated by id, and
/// the metered invoice exact.
@Suite struct UsageBatchTests {
    func scaleSubscription(_ client: some TestClientProtocol, _ fx: APIFixture) async throws -> String {
        let customer =
            try await client.post(
                "/v1/customers", fx, #"{"name": "Muster GmbH", "kind": "business", "address": {"country": "DE"}}"#
            ).json()["id"] as! String
        let sub = try await client.post(
            "/v1/subscriptions", fx, #"{"customer": "\#(customer)", "plan": "scale", "quantity": 1, "trial_days": 0}"#)
        #expect(sub.status == .created, "\(sub.text)")
        return try sub.json()["id"] as! String
    }

    func event(_ id: String, _ sub: String, quantity: Int = 30, metric: String = "api_calls", at: String) -> String {
        #"{"id": "\#(id)", "subscription": "\#(sub)", "metric": "\#(metric)", "quantity": \#(quantity), "timestamp": "\#(at)"}"#
    }

    @Test func aBatchIsDeduplicatedByIdAndTheMeteredInvoiceIsExact() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let sub = try await scaleSubscription(client, fx)
            try await client.advanceClock(to: "2027-03-10T09:00:00Z", fx)
            // 700 distinct events of 30 calls, sent as two batches that overlap by 100 ids, and
            // 50 ids repeated inside the first batch.
            let first =
                (0..<400).map { event("e\($0)", sub, at: "2027-03-05T10:00:00Z") }
                + (0..<50).map { event("e\($0)", sub, quantity: 999, at: "2027-03-05T10:00:00Z") }
            let a = try await client.post("/v1/usage/batch", fx, #"{"events": [\#(first.joined(separator: ","))]}"#)
            #expect(a.status == .created, "\(a.text)")
            #expect(try a.json()["created"] as? Int == 400)
            let data = try a.json()["data"] as! [[String: Any]]
            #expect(data.count == 450)
            #expect(data[420]["created"] as? Bool == false && data[420]["quantity"] as? Int == 30, "the first wins")
            let second = (300..<700).map { event("e\($0)", sub, at: "2027-03-06T10:00:00Z") }
            let b = try await client.post("/v1/usage/batch", fx, #"{"events": [\#(second.joined(separator: ","))]}"#)
            #expect(b.status == .created)
            #expect(try b.json()["created"] as? Int == 300)
            let again = try await client.post(
                "/v1/usage/batch", fx, #"{"events": [\#(second.joined(separator: ","))]}"#)
            #expect(again.status == .ok)
            #expect(try again.json()["created"] as? Int == 0)
            #expect(try await fx.count("usage_events") == 700)
            // 21,000 calls, the first 10,000 included, then 1 cent each: 110.00 EUR.
            try await client.advanceClock(to: "2027-04-02T09:00:00Z", fx)
            let invoices =
                try await client.get("/v1/invoices?subscription=\(sub)", fx).json()["data"] as! [[String: Any]]
            let lines = invoices.flatMap { $0["lines"] as? [[String: Any]] ?? [] }
            let calls = lines.filter { ($0["description"] as? String ?? "").contains("API calls") }
            #expect(calls.map { $0["amount"] as? Int } == [11000], "\(lines)")
        }
    }

    @Test func aBatchWithOneBadEventWritesNothingAndNamesEveryProblem() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let sub = try await scaleSubscription(client, fx)
            let events = [
                event("ok-1", sub, at: "2027-03-01T08:00:00Z"),
                event("bad-metric", sub, metric: "seats_typo", at: "2027-03-01T08:00:00Z"),
                event("bad-quantity", sub, quantity: -1, at: "2027-03-01T08:00:00Z"),
                event("bad-sub", "sub_nothere", at: "2027-03-01T08:00:00Z"),
                event("too-early", sub, at: "2027-02-01T10:00:00Z"),
            ]
            let r = try await client.post("/v1/usage/batch", fx, #"{"events": [\#(events.joined(separator: ","))]}"#)
            #expect(r.status == .unprocessableContent, "\(r.text)")
            #expect(
                try r.errorFields().sorted()
                    == [
                        "events[1].metric", "events[2].quantity", "events[3].subscription", "events[4].timestamp",
                    ], "\(r.text)")
            #expect(try await fx.count("usage_events") == 0)
            let many = (0..<1001).map { event("m\($0)", sub, at: "2027-03-01T08:00:00Z") }
            let tooMany = try await client.post(
                "/v1/usage/batch", fx, #"{"events": [\#(many.joined(separator: ","))]}"#)
            #expect(tooMany.status == .unprocessableContent)
            #expect(try tooMany.errorFields() == ["events"])
            for body in [#"{}"#, #"{"events": []}"#, #"{"events": [1]}"#, #"{"events": [], "extra": 1}"#] {
                let bad = try await client.post("/v1/usage/batch", fx, body)
                #expect(bad.status == .unprocessableContent, "\(body)")
            }
            #expect(try await fx.count("usage_events") == 0)
        }
    }
}
