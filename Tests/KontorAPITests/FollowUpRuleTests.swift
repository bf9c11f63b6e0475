import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorTestSupport
import Testing

/// The rule `FollowUps` names: whatever moves a customer's open items, dunning looks at that
/// customer again before the answer goes out — not at the next daily run. (A hand-over moves no
/// money: the item stays open with the agency and the case keeps its level.)
@Suite struct FollowUpRuleTests {
    enum PaymentPath: String, CaseIterable, Sendable {
        case payment, creditNote, writeOff, bankStatement
    }

    /// A business customer with one invoice eleven days overdue: reminded (level 1, no fees yet).
    func overdueCustomer(_ client: some TestClientProtocol, _ fx: APIFixture) async throws -> (
        customer: String, invoice: [String: Any]
    ) {
        try await fx.prepareForBilling()
        try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
        let cus =
            try await client.post(
                "/v1/customers", fx,
                #"{"name": "Acme GmbH", "kind": "business", "address": {"country": "DE"}, "currency": "EUR"}"#
            ).json()["id"] as! String
        let invoice = try await client.post(
            "/v1/invoices", fx,
            #"{"customer": "\#(cus)", "currency": "EUR", "payment_terms_days": 0, "lines": [{"description": "Setup", "quantity": 1, "unit_amount": 10000}]}"#
        ).json()
        try await client.advanceClock(to: "2027-03-12T09:00:00Z", fx)
        let level = try await client.get("/v1/customers/\(cus)/dunning", fx).json()["level"] as? Int ?? 0
        #expect(level == 1)
        #expect(try await fx.count("invoices WHERE status = 'open'") == 1)
        return (cus, invoice)
    }

    @Test(arguments: PaymentPath.allCases)
    func everyPaymentPathRechecksDunningBeforeAnswering(_ path: PaymentPath) async throws {
        try await withTestAPI { client, fx in
            let (cus, invoice) = try await overdueCustomer(client, fx)
            let id = invoice["id"] as! String
            let total = invoice["total"] as! Int
            let r: TestResponse
            switch path {
            case .payment:
                r = try await client.post(
                    "/v1/payments", fx, #"{"customer": "\#(cus)", "amount": \#(total), "currency": "EUR"}"#)
            case .creditNote:
                r = try await client.post("/v1/invoices/\(id)/credit_notes", fx, #"{"reason": "order_change"}"#)
            case .writeOff:
                r = try await client.post("/v1/invoices/\(id)/write_off", fx, "{}")
            case .bankStatement:
                let xml = camt053(
                    id: "S-1",
                    entries: [
                        creditEntry(
                            ref: "E-1", amount: Int64(total), date: "2027-03-25", text: invoice["number"] as! String)
                    ])
                r = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml)
            }
            #expect((200..<300).contains(Int(r.status.code)), "\(path): \(r.text)")
            // No clock advance, no worker tick: the answer already reflects it.
            let dunning = try await client.get("/v1/customers/\(cus)/dunning", fx).json()
            #expect(dunning["level"] as? Int == 0, "\(path): \(dunning)")
        }
    }
}
