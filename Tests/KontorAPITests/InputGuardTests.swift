import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorTestSupport
import Testing

/// What no request may carry, however it is written: card numbers, NUL bytes, ambiguous JSON.
@Suite struct InputGuardTests {
    let customerJSON = #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}"#

    @Test func aCardNumberIsFoundAsDecodedInEveryKeyAndValueAndNeverStored() async throws {
        try await withTestAPI { client, fx in
            let pan = "4242424242424242"
            let escaped = pan.map { "\\u00\(String($0.asciiValue!, radix: 16))" }.joined()
            for (body, field) in [
                (customerJSON + #", "metadata": {"note": "\#(escaped)"}}"#, "metadata.note"),
                (customerJSON + #", "metadata": {"\#(pan)": "x"}}"#, "metadata." + pan),
                (customerJSON + #", "external_id": "\#(pan)"}"#, "external_id"),
            ] {
                let r = try await client.post("/v1/customers", fx, body)
                #expect(r.status == .unprocessableContent)
                #expect(try r.errorFields().count == 1)
                #expect(!r.text.contains(pan))
                _ = field
            }
            for uri in ["/v1/customers/\(pan)", "/v1/customers?starting_after=\(pan)", "/v1/invoices?customer=\(pan)"] {
                let r = try await client.get(uri, fx)
                #expect(r.status == .unprocessableContent, "\(uri)")
                #expect(!r.text.contains(pan))
            }
            #expect(try await fx.rowsContaining(pan) == 0)
        }
    }

    @Test func structuredReferencesAreNoCardNumbers() async throws {
        try await withTestAPI { client, fx in
            let cus = try await client.post("/v1/customers", fx, customerJSON + "}").json()["id"] as! String
            let r = try await client.post(
                "/v1/payments", fx,
                #"{"customer": "\#(cus)", "amount": 1000, "currency": "EUR", "reference": "4242424242424242"}"#)
            #expect(r.status == .created)
        }
    }

    @Test func nulBytesDuplicateNamesAndAByteOrderMarkAreRefusedWithoutA500() async throws {
        try await withTestAPI { client, fx in
            let nul = try await client.post("/v1/customers", fx, #"{"name": "A\u0000da", "kind": "consumer"}"#)
            #expect(nul.status == .unprocessableContent)
            #expect(try nul.errorFields() == ["name"])
            let twice = try await client.post(
                "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "n\u0061me": "Eve"}"#)
            #expect(twice.status == .unprocessableContent)
            #expect(try twice.errorFields() == ["name"])
            let bom = try await client.post("/v1/customers", fx, "\u{FEFF}" + customerJSON + "}")
            #expect(bom.status == .badRequest)
            for uri in ["/v1/invoices?customer=%00", "/v1/events?type=%00", "/v1/customers/cus_%00"] {
                let r = try await client.get(uri, fx)
                #expect(r.status.code >= 400 && r.status.code < 500, "\(uri)")
            }
            #expect(try await client.get("/v1/invoices?customer=nobody", fx).status == .unprocessableContent)
            #expect(try await fx.count("customers") == 0)
        }
    }

    /// (Whitespace after a field value is not part of it, RFC 9110 § 5.5: HTTP drops it.)
    @Test func anAuthorizationHeaderMustBeExactlyBearerAndTheKey() async throws {
        try await withTestAPI { client, fx in
            for header in [
                "Bearer  \(fx.apiKey)", "Bearer\t\(fx.apiKey)",
            ] {
                let r = try await client.execute(
                    uri: "/v1/customers", method: .get, headers: [.authorization: header], body: nil)
                #expect(r.status == .unauthorized)
            }
            #expect(try await client.get("/v1/customers", fx).status == .ok)
            let lower = try await client.execute(
                uri: "/v1/customers", method: .get, headers: [.authorization: "bearer \(fx.apiKey)"], body: nil)
            #expect(lower.status == .ok)
        }
    }

    @Test func aKnownPathAskedWithAnotherMethodIs405WithAllow() async throws {
        try await withTestAPI { client, fx in
            let r = try await client.send(.delete, "/v1/invoices", key: fx.apiKey)
            #expect(r.status == .methodNotAllowed)
            #expect(r.headers[.allow] == "GET, POST")
            let one = try await client.send(.post, "/v1/customers/cus_x", key: fx.apiKey, json: "{}")
            #expect(one.status == .methodNotAllowed)
            #expect(try await client.send(.get, "/v1/nothing_here", key: fx.apiKey).status == .notFound)
        }
    }
}
