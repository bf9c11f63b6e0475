import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// Bad input to subscriptions, usage and plans: a problem answer naming the field, nothing written.
@Suite struct SubscriptionInputTests {
    static let tables = [
        "subscriptions", "invoices", "invoice_lines", "ledger_entries", "usage_events", "plans", "credit_notes",
    ]

    func counts(_ fx: APIFixture) async throws -> [Int] {
        var result: [Int] = []
        for table in Self.tables { result.append(try await fx.count(table)) }
        return result
    }

    func customer(_ client: some TestClientProtocol, _ fx: APIFixture, currency: String = "EUR") async throws -> String
    {
        try await client.post(
            "/v1/customers", fx,
            #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}, "currency": "\#(currency)"}"#
        ).json()["id"] as! String
    }

    @Test func badSubscriptionsAreRefusedNamingTheFieldAndWriteNothing() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let cus = try await customer(client, fx)
            let chf = try await customer(client, fx, currency: "CHF")
            let before = try await counts(fx)
            let cases: [(String, [String])] = [
                (#"{"customer": "\#(cus)", "plan": "gold"}"#, ["plan"]),
                (#"{"customer": "\#(cus)", "plan": "scale", "currency": "USD"}"#, ["currency"]),
                (#"{"customer": "\#(chf)", "plan": "scale"}"#, ["currency"]),
                (#"{"customer": "\#(cus)", "plan": "team", "quantity": 0}"#, ["quantity"]),
                (#"{"customer": "\#(cus)", "plan": "team", "quantity": -3}"#, ["quantity"]),
                (#"{"customer": "\#(cus)", "plan": "team", "quantity": 1.5}"#, ["quantity"]),
                (#"{"customer": "\#(cus)", "plan": "team", "start_date": "2019-01-01"}"#, ["start_date"]),
                (#"{"customer": "\#(cus)", "plan": "team", "start_date": "2026-02-30"}"#, ["start_date"]),
                (#"{"customer": "\#(cus)", "plan": "team", "trial_days": -1}"#, ["trial_days"]),
                (#"{"customer": "\#(cus)", "plan": "team", "collection_method": "cash"}"#, ["collection_method"]),
                (#"{"customer": "\#(cus)", "plan": "team", "billing_anchor": "2099-01-01"}"#, ["billing_anchor"]),
                (#"{"customer": "cus_nope", "plan": "team"}"#, ["customer"]),
                (#"{"plan": "team", "colour": "red"}"#, ["colour"]),
            ]
            for (body, fields) in cases {
                let response = try await client.post("/v1/subscriptions", fx, body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(Set(try response.errorFields()) == Set(fields), "\(body): \(response.text)")
            }
            #expect(try await counts(fx) == before)
        }
    }

    @Test func changingACanceledSubscriptionIsAConflict() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let cus = try await customer(client, fx)
            let id =
                try await client.post("/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter"}"#)
                .json()["id"] as! String
            #expect(try await client.post("/v1/subscriptions/\(id)/cancel", fx, #"{"at": "now"}"#).status == .ok)
            let before = try await counts(fx)
            for (path, body) in [("change", #"{"quantity": 2}"#), ("cancel", "{}"), ("pause", "{}"), ("resume", "{}")] {
                let response = try await client.post("/v1/subscriptions/\(id)/\(path)", fx, body)
                #expect(response.status == .conflict, "\(path)")
            }
            let badChange = try await client.post(
                "/v1/subscriptions/sub_0000000000000000000000/change", fx, #"{"quantity": 2}"#
            )
            #expect(badChange.status == .notFound)
            #expect(try await counts(fx) == before)
        }
    }

    @Test func badChangesAndUsageAreRefusedNamingTheField() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let cus = try await customer(client, fx)
            let team =
                try await client.post("/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "team"}"#)
                .json()["id"] as! String
            let scale =
                try await client.post("/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "scale"}"#)
                .json()["id"] as! String
            let before = try await counts(fx)
            let changes: [(String, [String])] = [
                (#"{"plan": "enterprise-annual"}"#, ["plan"]),
                (#"{"plan": "nope"}"#, ["plan"]),
                (#"{"quantity": 0}"#, ["quantity"]),
                (#"{"quantity": 2, "proration": "sometimes"}"#, ["proration"]),
                (#"{}"#, ["plan"]),
            ]
            for (body, fields) in changes {
                let response = try await client.post("/v1/subscriptions/\(team)/change", fx, body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(try response.errorFields() == fields, "\(body): \(response.text)")
            }
            let usage: [(String, [String])] = [
                (#"{"id": "e1", "subscription": "\#(team)", "metric": "api_calls", "quantity": 1}"#, ["subscription"]),
                (#"{"id": "e2", "subscription": "\#(scale)", "metric": "storage_gb", "quantity": 1}"#, ["metric"]),
                (#"{"id": "e3", "subscription": "\#(scale)", "metric": "api_calls", "quantity": -1}"#, ["quantity"]),
                (
                    #"{"id": "e4", "subscription": "\#(scale)", "metric": "api_calls", "quantity": 1, "timestamp": "2099-01-01T00:00:00Z"}"#,
                    ["timestamp"]
                ),
                (
                    #"{"id": "e5", "subscription": "\#(scale)", "metric": "api_calls", "quantity": 1, "timestamp": "yesterday"}"#,
                    ["timestamp"]
                ),
                (#"{"subscription": "\#(scale)", "metric": "api_calls", "quantity": 1}"#, ["id"]),
                (#"{"id": "e6", "subscription": "sub_x", "metric": "api_calls", "quantity": 1}"#, ["subscription"]),
            ]
            for (body, fields) in usage {
                let response = try await client.post("/v1/usage", fx, body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(try response.errorFields() == fields, "\(body): \(response.text)")
            }
            #expect(try await counts(fx) == before)
        }
    }

    @Test func badPlansAreRefusedNamingTheFieldAndWriteNothing() async throws {
        try await withTestAPI { client, fx in
            let before = try await counts(fx)
            let response = try await client.send(
                .put, "/v1/plans/gold", key: fx.apiKey,
                json:
                    #"{"name": "Gold", "interval": "month", "currencies": ["EUR"], "charges": [{"code": "base", "type": "flat", "amount": {"EUR": 9.99}}]}"#
            )
            #expect(response.status == .unprocessableContent)
            #expect(try response.errorFields() == ["charges[0].amount.EUR"])
            let mismatch = try await client.send(
                .put, "/v1/plans/gold", key: fx.apiKey,
                json:
                    #"{"code": "silver", "name": "Gold", "interval": "month", "currencies": ["EUR"], "charges": [{"code": "base", "type": "flat", "amount": {"EUR": 999}}]}"#
            )
            #expect(try mismatch.errorFields() == ["code"])
            #expect(try await counts(fx) == before)
        }
    }
}
