import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

@Suite struct CancellationTests {
    @Test func cancelingNowInvoicesUsageAndCreditsTheUnusedDaysProRata() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-06-01T08:00:00Z", fx)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                ).json()["id"] as! String
            let id =
                try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "scale", "quantity": 4}"#
                )
                .json()["id"] as! String
            try await client.advanceClock(to: "2027-06-11T08:00:00Z", fx)
            _ = try await client.post(
                "/v1/usage", fx, #"{"id": "x1", "subscription": "\#(id)", "metric": "api_calls", "quantity": 12000}"#
            )
            let canceled = try await client.post("/v1/subscriptions/\(id)/cancel", fx, #"{"at": "now"}"#).json()
            #expect(canceled["status"] as? String == "canceled")
            #expect(canceled["ended_on"] as? String == "2027-06-11")
            let invoices =
                (try await client.get("/v1/invoices?subscription=\(id)", fx).json()["data"] as! [[String: Any]])
            try #require(
                invoices.map { $0["billing_reason"] as? String } == ["subscription_final", "subscription_cycle"])
            #expect(invoices[0]["subtotal"] as? Int == 2000)  // 12,000 calls, 10,000 included
            // June has 30 days; 20 unused (11th to 30th): 4 seats × 15.00 × 20/30 = 40.00 net.
            let notes = try await client.get("/v1/credit_notes", fx).json()["data"] as! [[String: Any]]
            try #require(notes.count == 1)
            #expect(notes[0]["invoice"] as? String == invoices[1]["id"] as? String)
            #expect(notes[0]["subtotal"] as? Int == 4000)
            #expect(notes[0]["tax"] as? Int == 760)
            #expect((notes[0]["lines"] as! [[String: Any]])[0]["period_start"] as? String == "2027-06-11")
            #expect(try await fx.trialBalance() == ["EUR": 0])
            #expect(
                try await fx.eventTypes().suffix(3) == [
                    "invoice.finalized", "credit_note.created", "subscription.canceled",
                ])
            // Nothing more is billed.
            try await client.advanceClock(to: "2027-08-01T08:00:00Z", fx)
            #expect(try await fx.count("invoices WHERE kind = 'invoice'") == 2)
        }
    }

    @Test func pausedSubscriptionsAreNotBilledInAdvanceAndResumeAtTheNextBoundary() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-06-01T08:00:00Z", fx)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                ).json()["id"] as! String
            let id =
                try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#
                ).json()["id"] as! String
            #expect(
                try await client.post("/v1/subscriptions/\(id)/pause", fx, "{}").json()["status"] as? String == "paused"
            )
            #expect(try await client.post("/v1/subscriptions/\(id)/pause", fx, "{}").status == .conflict)
            try await client.advanceClock(to: "2027-07-15T08:00:00Z", fx)
            #expect(try await fx.count("invoices WHERE kind = 'invoice'") == 1)
            #expect(
                try await client.post("/v1/subscriptions/\(id)/resume", fx, "{}").json()["status"] as? String
                    == "active")
            try await client.advanceClock(to: "2027-08-02T08:00:00Z", fx)
            let periods =
                (try await client.get("/v1/invoices?subscription=\(id)", fx).json()["data"] as! [[String: Any]])
                .map { $0["period_start"] as? String }
            #expect(periods == ["2027-08-01", "2027-06-01"])
            #expect(try await fx.eventTypes().contains("subscription.paused"))
            #expect(try await fx.eventTypes().contains("subscription.resumed"))
        }
    }

    @Test func nextPeriodChangesWaitForTheBoundaryAndNoneChangesWithoutAnInvoice() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-06-01T08:00:00Z", fx)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                ).json()["id"] as! String
            let id =
                try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "team", "quantity": 2}"#
                )
                .json()["id"] as! String
            try await client.advanceClock(to: "2027-06-10T08:00:00Z", fx)
            let quiet = try await client.post(
                "/v1/subscriptions/\(id)/change", fx, #"{"quantity": 3, "proration": "none"}"#)
            #expect(try quiet.json()["quantity"] as? Int == 3)
            #expect(try await fx.count("invoices WHERE kind = 'invoice'") == 1)
            let scheduled = try await client.post(
                "/v1/subscriptions/\(id)/change", fx, #"{"quantity": 6, "proration": "next_period"}"#
            ).json()
            #expect(scheduled["quantity"] as? Int == 3)
            #expect((scheduled["pending_change"] as? [String: Any])?["quantity"] as? Int == 6)
            #expect(try await fx.count("invoices WHERE kind = 'invoice'") == 1)
            try await client.advanceClock(to: "2027-07-01T08:00:00Z", fx)
            let latest =
                (try await client.get("/v1/invoices?subscription=\(id)", fx).json()["data"] as! [[String: Any]])[0]
            #expect((latest["lines"] as! [[String: Any]]).map { $0["amount"] as? Int } == [4900, 5400])
        }
    }
}
