import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// Automatic collection with the sandbox gateway, on the test clock.
@Suite struct CollectionTests {
    func card(_ client: some TestClientProtocol, _ fx: APIFixture, customer: String, token: String) async throws
        -> String
    {
        let response = try await client.post(
            "/v1/payment_methods", fx,
            #"{"customer": "\#(customer)", "type": "card", "card": {"token": "\#(token)", "brand": "visa", "last4": "0002", "exp_month": 12, "exp_year": 2031}}"#
        )
        #expect(response.status == .created)
        return try response.json()["id"] as! String
    }

    /// (status, failure code) of the customer's payments, oldest first, with their instants.
    func payments(_ fx: APIFixture) async throws -> [(String, String?, Date)] {
        let rows = try await fx.database.client.query(
            "SELECT status, failure_code, created_at FROM payments ORDER BY seq", logger: fx.database.logger
        )
        var result: [(String, String?, Date)] = []
        for try await r in rows.decode((String, String?, Date).self) { result.append(r) }
        return result
    }

    func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test func softDeclinesAreRetriedThenPaidAndTheSubscriptionIsActiveAgain() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            _ = try await card(client, fx, customer: cus, token: "tok_insufficient_funds")
            let sub =
                try await client.post(
                    "/v1/subscriptions", fx,
                    #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0, "payment_terms_days": 0}"#
                ).json()["id"] as! String
            #expect(try await payments(fx).map(\.1) == ["insufficient_funds"])
            try await client.advanceClock(to: "2027-03-03T08:00:00Z", fx)
            // Retried one day after the first attempt; due the same day, so past due since Mar 2.
            let twice = try await payments(fx)
            #expect(twice.map(\.1) == ["insufficient_funds", "insufficient_funds"])
            #expect(twice[1].2 == instant("2027-03-02T09:00:00Z"))
            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "past_due")
            let good = try await card(client, fx, customer: cus, token: "tok_visa")
            _ = try await client.post(
                "/v1/customers/\(cus)/default_payment_method", fx, #"{"payment_method": "\#(good)"}"#)
            try await client.advanceClock(to: "2027-03-05T00:00:00Z", fx)
            let all = try await payments(fx)
            #expect(all.map(\.0) == ["failed", "failed", "succeeded"])
            #expect(all[2].2 == instant("2027-03-04T09:00:00Z"))  // three days after the first attempt
            let invoice =
                (try await client.get("/v1/invoices?subscription=\(sub)", fx).json()["data"] as! [[String: Any]])[0]
            #expect(invoice["status"] as? String == "paid")
            #expect(invoice["amount_paid"] as? Int == 2261)
            #expect(invoice["amount_due"] as? Int == 0)
            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "active")
            let types = try await fx.eventTypes()
            #expect(types.filter { $0 == "invoice.payment_failed" }.count == 2)
            #expect(types.contains("payment.succeeded") && types.contains("invoice.paid"))
            #expect(types.filter { $0 == "invoice.overdue" }.count == 1)
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }

    /// One JSON shape per API object: what a payment event carries is what the payments API
    /// shows for that payment — declined (with its retry plan), and then paid.
    @Test func everyPaymentEventCarriesThePaymentAsTheAPIShowsIt() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            _ = try await card(client, fx, customer: cus, token: "tok_insufficient_funds")
            _ = try await client.post(
                "/v1/subscriptions", fx,
                #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0, "payment_terms_days": 0}"#)
            let good = try await card(client, fx, customer: cus, token: "tok_visa")
            _ = try await client.post(
                "/v1/customers/\(cus)/default_payment_method", fx, #"{"payment_method": "\#(good)"}"#)
            try await client.advanceClock(to: "2027-03-03T00:00:00Z", fx)
            let rows = try await fx.database.client.query(
                """
                SELECT type, data::text FROM events
                WHERE type IN ('payment.failed', 'payment.succeeded', 'invoice.payment_failed') ORDER BY seq
                """, logger: fx.database.logger)
            var seen: [String] = []
            for try await (type, data) in rows.decode((String, String).self) {
                let event = try JSONSerialization.jsonObject(with: Data(data.utf8)) as! [String: Any]
                let shown = try await client.get("/v1/payments/\(event["id"] as! String)", fx).json()
                #expect(NSDictionary(dictionary: event) == NSDictionary(dictionary: shown), "\(type)")
                seen.append("\(type) \(event["attempt"] ?? "-") \(event["decline_kind"] ?? "-")")
            }
            #expect(
                seen == [
                    "payment.failed 1 soft", "invoice.payment_failed 1 soft", "payment.succeeded 2 -",
                ])
            let failed = try await client.get("/v1/payments?customer=\(cus)", fx).json()["data"] as! [[String: Any]]
            #expect(failed.last?["next_attempt_at"] as? String == "2027-03-02T09:00:00Z")
        }
    }

    @Test func hardDeclinesAreNeverRetriedAndOverdueFiresOnce() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Bob", "kind": "consumer", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            _ = try await card(client, fx, customer: cus, token: "tok_stolen_card")
            let sub =
                try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#
                )
                .json()["id"] as! String
            try await client.advanceClock(to: "2027-03-20T00:00:00Z", fx)
            #expect(try await payments(fx).map(\.1) == ["stolen_card"])
            // Due Mar 15 (14 days), overdue one day later: Mar 16, 00:00 in Berlin.
            let overdue = try await fx.database.client.query(
                "SELECT created_at FROM events WHERE type = 'invoice.overdue'", logger: fx.database.logger
            )
            var fired: [Date] = []
            for try await at in overdue.decode(Date.self) { fired.append(at) }
            #expect(fired == [instant("2027-03-15T23:00:00Z")])
            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "past_due")
            try await client.advanceClock(to: "2027-03-28T00:00:00Z", fx)
            #expect(try await fx.count("events WHERE type = 'invoice.overdue'") == 1)
            #expect(try await payments(fx).count == 1)
        }
    }

    @Test func chargebacksAndReturnedDebitsReopenTheInvoiceWhenTheSandboxSaysSo() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let ada =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            _ = try await card(client, fx, customer: ada, token: "tok_chargeback_10")
            let bob =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Bob", "kind": "consumer", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            let mandate = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(bob)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "M-7-RETURN-MD06", "mandate_date": "2027-02-01"}}"#
            )
            #expect(mandate.status == .created)
            for cus in [ada, bob] {
                _ = try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#)
            }
            #expect(try await fx.count("invoices WHERE status = 'paid'") == 2)
            try await client.advanceClock(to: "2027-03-12T00:00:00Z", fx)
            let rows = try await fx.database.client.query(
                "SELECT type, created_at, data->>'reason_code' FROM events WHERE type IN ('charge.chargeback', 'payment.returned') ORDER BY created_at",
                logger: fx.database.logger
            )
            var got: [(String, Date, String?)] = []
            for try await r in rows.decode((String, Date, String?).self) { got.append(r) }
            #expect(got.map(\.0) == ["payment.returned", "charge.chargeback"])
            #expect(got.map(\.1) == [instant("2027-03-03T23:00:00Z"), instant("2027-03-10T23:00:00Z")])
            #expect(got.map(\.2) == ["MD06", "fraudulent"])
            #expect(try await fx.count("invoices WHERE status = 'open' AND amount_paid = 0") == 2)
            #expect(try await fx.trialBalance() == ["EUR": 0])
            let receivable = try await fx.database.client.query(
                "SELECT sum(amount)::bigint FROM ledger_entries WHERE account = 'receivable'",
                logger: fx.database.logger
            )
            for try await open in receivable.decode(Int64.self) { #expect(open == 2 * 2261) }
            try await client.advanceClock(to: "2027-03-20T00:00:00Z", fx)
            #expect(try await fx.count("events WHERE type IN ('charge.chargeback', 'payment.returned')") == 2)
        }
    }

    @Test func aOneOffInvoiceWithAutomaticCollectionIsChargedAtOnce() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            _ = try await card(client, fx, customer: cus, token: "tok_visa")
            let invoice = try await client.post(
                "/v1/invoices", fx,
                #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "charge_automatically", "lines": [{"description": "Workshop", "unit_amount": 50000}]}"#
            ).json()
            let paid = try await client.get("/v1/invoices/\(invoice["id"] as! String)", fx).json()
            #expect(paid["status"] as? String == "paid")
            #expect(paid["amount_paid"] as? Int == 59500)
            #expect(try await payments(fx).map(\.0) == ["succeeded"])
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }
}
