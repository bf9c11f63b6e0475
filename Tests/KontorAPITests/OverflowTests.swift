import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorEngine
import KontorTestSupport
import Testing

/// Figures a client sends may be as large as JSON allows: a product or a sum of them that does
/// not fit 64 bits is a 422 naming the field, never a trap that ends the process (schemathesis
/// ended `kontor serve` with a one-off line of 10^9 × 10^12).
@Suite struct OverflowTests {
    func customer(_ client: some TestClientProtocol, _ fx: APIFixture) async throws -> String {
        try await client.post(
            "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
        )
        .json()["id"] as! String
    }

    @Test func aOneOffLineWhoseAmountDoesNotFitIsRefused() async throws {
        try await withTestAPI { client, fx in
            let cus = try await customer(client, fx)
            for (quantity, unit) in [("1000000000", "1000000000000"), ("100000", "1000000000000")] {
                let r = try await client.send(
                    .post, "/v1/invoices", key: fx.apiKey,
                    json:
                        #"{"customer": "\#(cus)", "currency": "EUR", "lines": [{"description": "x", "quantity": \#(quantity), "unit_amount": \#(unit)}]}"#
                )
                #expect(r.status == .unprocessableContent)
                #expect(try r.errorFields() == ["lines[0]"])
            }
            #expect(try await fx.count("invoices") == 0)
        }
    }

    @Test func aBankAmountTooLargeForMinorUnitsIsNoAmount() {
        #expect(CamtStatement.minorUnits("99999999999999999.00", currency: "EUR") == nil)
        #expect(CamtStatement.minorUnits("9223372036854775807", currency: "EUR") == nil)
        #expect(CamtStatement.minorUnits("92233720368547758.07", currency: "EUR") == 9_223_372_036_854_775_807)
    }

    @Test func instalmentsThatWouldOverflowTheirSumAreRefused() async throws {
        try await withTestAPI { client, fx in
            let cus = try await customer(client, fx)
            let inv =
                try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "lines": [{"description": "x", "quantity": 1, "unit_amount": 1000}]}"#
                ).json()["id"] as! String
            let big = "9223372036854775807"
            let r = try await client.send(
                .post, "/v1/customers/\(cus)/payment_plans", key: fx.apiKey,
                json:
                    #"{"invoices": ["\#(inv)"], "instalments": [{"due_date": "2099-01-01", "amount": \#(big)}, {"due_date": "2099-02-01", "amount": \#(big)}]}"#
            )
            #expect(r.status == .unprocessableContent)
            #expect(Set(try r.errorFields()) == ["instalments[0].amount", "instalments[1].amount"])
            #expect(try await fx.count("payment_plans") == 0)
        }
    }

    @Test func explicitAllocationsThatWouldOverflowTheirSumAreRefused() async throws {
        try await withTestAPI { client, fx in
            let cus = try await customer(client, fx)
            var ids: [String] = []
            for _ in 0..<2 {
                ids.append(
                    try await client.post(
                        "/v1/invoices", fx,
                        #"{"customer": "\#(cus)", "currency": "EUR", "lines": [{"description": "x", "quantity": 1, "unit_amount": 1000}]}"#
                    ).json()["id"] as! String)
            }
            let big = "9223372036854775807"
            let r = try await client.send(
                .post, "/v1/payments", key: fx.apiKey,
                json:
                    #"{"customer": "\#(cus)", "amount": 100, "currency": "EUR", "allocations": [{"invoice": "\#(ids[0])", "amount": \#(big)}, {"invoice": "\#(ids[1])", "amount": \#(big)}]}"#
            )
            #expect(r.status == .unprocessableContent)
            #expect(try await fx.count("payments") == 0)
        }
    }
}
