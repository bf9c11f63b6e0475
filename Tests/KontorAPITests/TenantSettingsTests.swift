import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorTestSupport
import Testing

@Suite struct TenantSettingsTests {
    @Test func theReturnFeeIsSetThroughTheAPIAndChargedOnAReturnedPayment() async throws {
        try await withTestAPI { client, fx in
            let refused = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey, json: #"{"return_fee": -1, "vat_id": "XX1"}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.errorFields() == ["return_fee", "vat_id"])
            let set = try await client.send(.patch, "/v1/tenant", key: fx.apiKey, json: #"{"return_fee": 350}"#)
            #expect(set.status == .ok)
            #expect(try set.json()["return_fee"] as? Int == 350)
            #expect(try await client.get("/v1/tenant", fx).json()["return_fee"] as? Int == 350)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            let pay =
                try await client.post(
                    "/v1/payments", fx, #"{"customer": "\#(cus)", "amount": 1000, "currency": "EUR"}"#
                )
                .json()["id"] as! String
            let returned = try await client.post("/v1/payments/\(pay)/return", fx, #"{"reason_code": "AM04"}"#)
            #expect(returned.status == .ok)
            #expect(try returned.json()["return_fee"] as? Int == 350)
            let fees = try await client.get("/v1/fee_items", fx).json()["data"] as! [[String: Any]]
            // The customer owes the 3.50 fee, whichever item carries it (credit from the returned
            // money paid the fee item at once; that credit is owed again).
            #expect(fees.reduce(0) { $0 + ($1["amount_due"] as! Int) } == 350)
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }
}
