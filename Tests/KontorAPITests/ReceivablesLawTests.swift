import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// Dunning law through the API: default per claim (§ 286), no interest on interest (§ 289),
/// fee items that are not invoices (§ 14 UStG), payment order (§ 367).
@Suite struct ReceivablesLawTests {
    func list(_ client: some TestClientProtocol, _ fx: APIFixture, _ uri: String) async throws -> [[String: Any]] {
        try await client.get(uri, fx).json()["data"] as! [[String: Any]]
    }

    @Test func aCustomersDunningPolicyMustExist() async throws {
        try await withTestAPI { client, fx in
            let refused = try await client.post(
                "/v1/customers", fx,
                #"{"name": "Ada", "kind": "business", "address": {"country": "DE"}, "dunning_policy": "nope"}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.errorFields() == ["dunning_policy"])
            #expect(try await fx.count("customers") == 0)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "business", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            let patch = try await client.send(
                .patch, "/v1/customers/\(cus)", key: fx.apiKey, json: #"{"dunning_policy": "nope"}"#)
            #expect(patch.status == .unprocessableContent)
            #expect(try patch.errorFields() == ["dunning_policy"])
            #expect(try await client.get("/v1/customers/\(cus)", fx).json()["dunning_policy"] as? String == nil)
            let fine = try await client.send(
                .patch, "/v1/customers/\(cus)", key: fx.apiKey, json: #"{"dunning_policy": "default"}"#)
            #expect(fine.status == .ok)
        }
    }

    @Test func eachClaimAccruesInterestFromItsOwnDefaultNeverOnInterestAndFeesAreNoInvoices() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let put = try await client.send(
                .put, "/v1/dunning_policies/law", key: fx.apiKey,
                json: #"""
                    {"code": "law", "name": "Law", "levels": [
                      {"name": "Zahlungserinnerung", "after_days": 7},
                      {"name": "1. Mahnung", "after_days": 21, "fee": 500, "interest": true, "flat_fee": true},
                      {"name": "2. Mahnung", "after_days": 35, "fee": 500, "interest": true}]}
                    """#)
            #expect(put.status == .ok)
            let cus =
                try await client.post(
                    "/v1/customers", fx,
                    #"{"name": "Bau GmbH", "kind": "business", "currency": "EUR", "address": {"country": "DE"}, "dunning_policy": "law"}"#
                ).json()["id"] as! String
            func invoice(_ net: Int) async throws -> [String: Any] {
                try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "payment_terms_days": 0, "lines": [{"description": "Work", "unit_amount": \#(net)}]}"#
                ).json()
            }
            // A: 119.00 due 03-01. The reminder of 03-08 demands it: in default from 03-08.
            let a = try await invoice(10000)
            try await client.advanceClock(to: "2027-03-10T08:00:00Z", fx)
            // B: 59.50 due 03-10, after the reminder: not in default by it.
            let b = try await invoice(5000)
            let (aID, bID) = (a["id"] as! String, b["id"] as! String)
            try await client.advanceClock(to: "2027-04-06T08:00:00Z", fx)

            let notices =
                try await client.get("/v1/customers/\(cus)/dunning", fx).json()["notices"] as! [[String: Any]]
            #expect(notices.map { $0["level"] as! Int } == [1, 2, 3])
            func items(_ n: Int) -> [String: [String: Any]] {
                Dictionary(
                    uniqueKeysWithValues: (notices[n]["items"] as! [[String: Any]]).map {
                        ($0["invoice"] as! String, $0)
                    })
            }
            // 1. Mahnung 03-22: A accrues 03-09 … 03-22 (14 days at 10.27 % on 119.00 = 46.88);
            // B is demanded by this notice for the first time: in default from 03-22, nothing yet.
            #expect(notices[1]["interest"] as? Int == 47)
            #expect(items(1)[aID]?["interest"] as? Int == 47)
            #expect(items(1)[aID]?["interest_from"] as? String == "2027-03-09")
            #expect(items(1)[bID]?["interest"] as? Int == 0)
            #expect(items(1)[bID]?["default_since"] as? String == "2027-03-22")
            // 2. Mahnung 04-05: A 03-23 … 04-05 on 119.00 = 46.88; B from the day after its own
            // default, 03-23 … 04-05 on 59.50 = 23.44. Nothing on the 47 of interest, nothing on
            // the fees (§ 289 BGB): the base is the principal.
            #expect(items(2)[aID]?["interest"] as? Int == 47)
            #expect(items(2)[bID]?["interest"] as? Int == 23)
            #expect(items(2)[bID]?["interest_from"] as? String == "2027-03-23")
            #expect(notices[2]["interest"] as? Int == 70)
            // The notice's text shows each claim's interest with its span.
            #expect((notices[2]["body"] as? String)?.contains("2027-03-23 – 2027-04-05: 0.23 EUR") == true)

            // Fee items are not invoices: own series, own endpoint, not in /v1/invoices.
            let invoices = try await list(client, fx, "/v1/invoices")
            #expect(invoices.map { $0["number"] as! String }.sorted() == ["2027-000001", "2027-000002"])
            let fees = try await list(client, fx, "/v1/fee_items")
            #expect(fees.count == 5)
            #expect(fees.allSatisfy { ($0["number"] as! String).hasPrefix("GB-2027-") })
            #expect(fees.allSatisfy { $0["object"] as? String == "fee_item" && $0["tax"] as? Int == 0 })
            #expect(Set(fees.compactMap { $0["claim_invoice"] as? String }) == [aID, bID])
            #expect(try await list(client, fx, "/v1/invoices?kind=fee_item").count == 5)
            #expect(try await list(client, fx, "/v1/invoices?kind=all").count == 7)
            let feeID = fees[0]["id"] as! String
            #expect(feeID.hasPrefix("fee_"))
            #expect(try await client.get("/v1/invoices/\(feeID)", fx).status == .notFound)
            #expect(try await client.get("/v1/fee_items/\(feeID)", fx).status == .ok)
            #expect(try await client.get("/v1/fee_items/\(aID)", fx).status == .notFound)
            // … but open items in the open-item list.
            let openItems =
                try await client.get("/v1/reports/open_items?as_of=2027-04-06", fx).json()["items"] as? [[String: Any]]
            #expect(openItems?.count == 7)

            // § 367 (1): 46.00 without allocations pays claim A's costs first (45.00 of the
            // 1. Mahnung, then 1.00 of the 2.), before its interest and before any principal.
            let paid = try await client.post(
                "/v1/payments", fx, #"{"customer": "\#(cus)", "amount": 4600, "currency": "EUR"}"#)
            #expect(paid.status == .created)
            let shares = try paid.json()["allocations"] as! [[String: Any]]
            #expect(shares.map { $0["part"] as? String } == ["costs", "costs"])
            #expect(shares.map { $0["amount"] as? Int } == [4500, 100])
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }

    @Test func dsoComparesGrossReceivablesWithGrossSales() async throws {
        try await withTestAPI { client, fx in
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "business", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            _ = try await client.post(
                "/v1/invoices", fx,
                #"{"customer": "\#(cus)", "currency": "EUR", "lines": [{"description": "Work", "unit_amount": 10000}]}"#
            )
            let report = try await client.get("/v1/reports/dso?from=2027-03-01&to=2027-03-30", fx).json()
            let eur = (report["currencies"] as! [[String: Any]])[0]
            // 119.00 open of 119.00 sold (VAT included on both sides) over 30 days: 30 days.
            #expect(eur["receivables"] as? Int == 11900)
            #expect(eur["revenue"] as? Int == 11900)
            #expect(eur["dso"] as? String == "30.00")
        }
    }

    @Test func aCreditNoteOnAPaidInvoiceBecomesCreditAndAWrittenOffAmountCannotBeCredited() async throws {
        try await withTestAPI { client, fx in
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "business", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            func invoice() async throws -> String {
                try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "lines": [{"description": "Work", "unit_amount": 10000}]}"#
                ).json()["id"] as! String
            }
            // Written off first (before any credit could pay it): nothing of it can be credited.
            let lost = try await invoice()
            _ = try await client.post("/v1/invoices/\(lost)/write_off", fx, "{}")
            let refused = try await client.post(
                "/v1/invoices/\(lost)/credit_notes", fx, #"{"reason": "product_unsatisfactory"}"#)
            #expect(refused.status == .unprocessableContent)
            let paid = try await invoice()
            _ = try await client.post(
                "/v1/payments", fx,
                #"{"customer": "\#(cus)", "amount": 11900, "currency": "EUR", "allocations": [{"invoice": "\#(paid)", "amount": 11900}]}"#
            )
            let note = try await client.post(
                "/v1/invoices/\(paid)/credit_notes", fx, #"{"reason": "product_unsatisfactory"}"#)
            #expect(note.status == .created)
            #expect(try await client.get("/v1/customers/\(cus)", fx).json()["balance"] as? Int == 11900)
            let after = try await client.get("/v1/invoices/\(paid)", fx).json()
            #expect(after["amount_credited"] as? Int == 11900)
            #expect(after["amount_paid"] as? Int == 11900)
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }
}
