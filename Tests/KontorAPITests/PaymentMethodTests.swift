import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

@Suite struct PaymentMethodTests {
    func customer(_ client: some TestClientProtocol, _ fx: APIFixture) async throws -> String {
        try await client.post(
            "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
        )
        .json()["id"] as! String
    }

    func card(_ cus: String, month: Int, year: Int, last4: String = "4242") -> String {
        #"{"customer": "\#(cus)", "type": "card", "card": {"token": "tok_visa_\#(last4)", "brand": "visa", "last4": "\#(last4)", "exp_month": \#(month), "exp_year": \#(year)}}"#
    }

    @Test func cardsSEPAMandatesAndBankTransferAreStoredAndTheFirstIsTheDefault() async throws {
        try await withTestAPI { client, fx in
            let cus = try await customer(client, fx)
            let first = try await client.post("/v1/payment_methods", fx, card(cus, month: 12, year: 2035))
            #expect(first.status == .created)
            let pm = try first.json()
            #expect(pm["is_default"] as? Bool == true)
            #expect((pm["card"] as! [String: Any])["last4"] as? String == "4242")
            let sepa = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89 3704 0044 0532 0130 00", "mandate_reference": "M-2026-0001", "mandate_date": "2026-01-15"}}"#
            )
            #expect(sepa.status == .created)
            let mandate = try sepa.json()
            #expect(mandate["is_default"] as? Bool == false)
            #expect((mandate["sepa_debit"] as! [String: Any])["iban_last4"] as? String == "3000")
            let transfer = try await client.post(
                "/v1/payment_methods", fx, #"{"customer": "\#(cus)", "type": "bank_transfer"}"#)
            #expect(transfer.status == .created)
            let made = try await client.post(
                "/v1/customers/\(cus)/default_payment_method", fx,
                #"{"payment_method": "\#(mandate["id"] as! String)"}"#
            )
            #expect(try made.json()["is_default"] as? Bool == true)
            let list =
                try await client.get("/v1/payment_methods?customer=\(cus)", fx).json()["data"] as! [[String: Any]]
            #expect(list.count == 3)
            #expect(
                list.filter { $0["is_default"] as? Bool == true }.map { $0["id"] as? String } == [
                    mandate["id"] as? String
                ])
        }
    }

    @Test func badPaymentMethodsAreRefusedNamingTheFieldAndWriteNothing() async throws {
        try await withTestAPI { client, fx in
            let cus = try await customer(client, fx)
            let (other, _) = try await fx.otherTenant()
            _ = other
            let cases: [(String, [String])] = [
                (card(cus, month: 10, year: 2020), ["card.exp_year"]),
                (card(cus, month: 13, year: 2030), ["card.exp_month"]),
                (
                    #"{"customer": "\#(cus)", "type": "card", "card": {"brand": "visa", "last4": "42", "exp_month": 1, "exp_year": 2031}}"#,
                    ["card.token", "card.last4"]
                ),
                (
                    #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013001", "mandate_reference": "M1"}}"#,
                    ["sepa_debit.iban"]
                ),
                (
                    #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": ""}}"#,
                    ["sepa_debit.mandate_reference"]
                ),
                (#"{"customer": "\#(cus)", "type": "cheque"}"#, ["type"]),
                (#"{"customer": "cus_unknown", "type": "bank_transfer"}"#, ["customer"]),
            ]
            for (body, fields) in cases {
                let response = try await client.post("/v1/payment_methods", fx, body)
                #expect(response.status == .unprocessableContent, "\(body)")
                #expect(Set(try response.errorFields()) == Set(fields), "\(body): \(response.text)")
            }
            #expect(try await fx.count("payment_methods") == 0)
        }
    }

    /// Invariant 6: a full card number is refused wherever it is sent, and neither the
    /// database nor the logs ever see it.
    @Test func aFullCardNumberIsRefusedAndNeverStoredOrLogged() async throws {
        let capture = LogCapture()
        try await withTestAPI(logger: capture.logger()) { client, fx in
            let cus = try await customer(client, fx)
            let attempts: [(String, String, String)] = [
                (
                    "/v1/payment_methods",
                    card(cus, month: 1, year: 2031).replacingOccurrences(of: "tok_visa_4242", with: "4242424242424242"),
                    "card.token"
                ),
                (
                    "/v1/payment_methods",
                    #"{"customer": "\#(cus)", "type": "bank_transfer", "note": "5555 5555 5555 4444"}"#, "note"
                ),
                (
                    "/v1/customers",
                    #"{"name": "Eve", "kind": "consumer", "metadata": {"card": "4000-0566-5566-5556"}}"#,
                    "metadata.card"
                ),
                (
                    "/v1/invoices",
                    #"{"customer": "\#(cus)", "lines": [{"description": "x", "unit_amount": 4242424242424242}]}"#,
                    "lines[0].unit_amount"
                ),
            ]
            for (path, body, field) in attempts {
                let response = try await client.post(path, fx, body)
                #expect(response.status == .unprocessableContent, "\(path)")
                #expect(try response.errorFields() == [field])
                for pan in ["4242424242424242", "5555 5555 5555 4444", "4000-0566-5566-5556"] {
                    #expect(!response.text.contains(pan))
                }
            }
            #expect(try await fx.count("payment_methods") == 0)
            for pan in [
                "4242424242424242", "5555555555554444", "5555 5555 5555 4444", "4000056655665556",
                "4000-0566-5566-5556",
            ] {
                #expect(try await fx.rowsContaining(pan) == 0, "\(pan) in the database")
            }
        }
        let logs = capture.text
        #expect(logs.contains("/v1/payment_methods"), "the capture must see the request log")
        for pan in ["4242424242424242", "5555 5555 5555 4444", "4000-0566-5566-5556", "5555555555554444"] {
            #expect(!logs.contains(pan), "\(pan) in the logs")
        }
    }
}
