import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorTestSupport
import Testing

/// Bad input: a 4xx problem answer naming the field, nothing written, never a 500.
@Suite struct BadInputTests {
    func expectNothingWritten(_ fx: APIFixture) async throws {
        #expect(try await fx.count("customers") == 0)
        #expect(try await fx.count("events") == 0)
        #expect(try await fx.count("idempotency_keys") == 0)
    }

    @Test func malformedJSONIs400() async throws {
        try await withTestAPI { client, fx in
            for body in ["{", "not json", "[1,2]", "\"string\"", "{\"name\": }"] {
                let r = try await client.send(.post, "/v1/customers", key: fx.apiKey, json: body)
                #expect(r.status == .badRequest, "\(body)")
                #expect(r.headers[.contentType] == "application/problem+json")
            }
            try await expectNothingWritten(fx)
        }
    }

    @Test func wrongTypesAreNamed() async throws {
        try await withTestAPI { client, fx in
            let r = try await client.send(
                .post, "/v1/customers", key: fx.apiKey,
                json: #"{"name": 5, "tax_exempt": "yes", "address": "Berlin", "metadata": {"a": 1}}"#
            )
            #expect(r.status == .unprocessableContent)
            #expect(Set(try r.errorFields()) == ["name", "tax_exempt", "address", "metadata.a"])
            try await expectNothingWritten(fx)
        }
    }

    @Test func unknownFieldsAreRefusedAlsoNested() async throws {
        try await withTestAPI { client, fx in
            let r = try await client.send(
                .post, "/v1/customers", key: fx.apiKey, json: #"{"name": "x", "nmae": "y", "address": {"zip": "1"}}"#
            )
            #expect(r.status == .unprocessableContent)
            #expect(Set(try r.errorFields()) == ["nmae", "address.zip"])
            try await expectNothingWritten(fx)
        }
    }

    @Test func invalidValuesAreNamed() async throws {
        try await withTestAPI { client, fx in
            let r = try await client.send(
                .post, "/v1/customers", key: fx.apiKey,
                json:
                    #"{"email": "x@", "kind": "company", "address": {"country": "EL"}, "tax_id": "EL000000001", "currency": "EURO"}"#
            )
            #expect(r.status == .unprocessableContent)
            #expect(Set(try r.errorFields()) == ["email", "kind", "address.country", "tax_id", "currency"])
            let detail = try r.json()["detail"] as? String
            #expect(detail?.contains("email") == true)
            try await expectNothingWritten(fx)
        }
    }

    @Test func oversizedBodyIs413() async throws {
        try await withTestAPI { client, fx in
            let big = #"{"name": ""# + String(repeating: "x", count: (1 << 20) + 10) + #""}"#
            let r = try await client.send(.post, "/v1/customers", key: fx.apiKey, json: big)
            #expect(r.status == .contentTooLarge)
            #expect(r.headers[.contentType] == "application/problem+json")
            try await expectNothingWritten(fx)
        }
    }

    @Test func badIdsAre404() async throws {
        try await withTestAPI { client, fx in
            for id in ["nope", "cus_doesnotexist", "cus_%27%3B%20DROP%20TABLE", "inv_123"] {
                let r = try await client.send(.get, "/v1/customers/\(id)", key: fx.apiKey)
                #expect(r.status == .notFound, "\(id)")
            }
            let patch = try await client.send(.patch, "/v1/customers/cus_unknown", key: fx.apiKey, json: "{}")
            #expect(patch.status == .notFound)
            try await expectNothingWritten(fx)
        }
    }

    @Test func badListParametersAreNamed() async throws {
        try await withTestAPI { client, fx in
            for query in ["limit=0", "limit=101", "limit=abc"] {
                let r = try await client.send(.get, "/v1/customers?\(query)", key: fx.apiKey)
                #expect(r.status == .unprocessableContent)
                #expect(try r.errorFields() == ["limit"])
            }
            let unknown = try await client.send(.get, "/v1/customers?colour=red", key: fx.apiKey)
            #expect(try unknown.errorFields() == ["colour"])
        }
    }

    @Test func missingOrWrongKeyIs401() async throws {
        try await withTestAPI { client, fx in
            for key in [nil, "sk_test_wrong", ""] as [String?] {
                let r = try await client.send(.post, "/v1/customers", key: key, json: #"{"name": "x"}"#)
                #expect(r.status == .unauthorized)
                #expect(r.headers[.contentType] == "application/problem+json")
            }
            let basic = try await client.send(
                .get, "/v1/customers", key: nil, headers: [.authorization: "Basic \(fx.apiKey)"]
            )
            #expect(basic.status == .unauthorized)
            try await expectNothingWritten(fx)
        }
    }

    @Test func overlongIdempotencyKeyIs400() async throws {
        try await withTestAPI { client, fx in
            let r = try await client.send(
                .post, "/v1/customers", key: fx.apiKey, json: #"{"name": "x"}"#,
                headers: [.init("Idempotency-Key")!: String(repeating: "k", count: 300)]
            )
            #expect(r.status == .badRequest)
            #expect(try r.errorFields() == ["Idempotency-Key"])
            try await expectNothingWritten(fx)
        }
    }

    /// The document and the server state one rule: 1 to 255 printable ASCII characters,
    /// visible at both ends; a key with a tab or non-ASCII text is refused unused.
    @Test func idempotencyKeyIsPrintableASCII() async throws {
        try await withTestAPI { client, fx in
            for key in ["schlüssel", "a\tb"] {
                let r = try await client.send(
                    .post, "/v1/customers", key: fx.apiKey, json: #"{"name": "x"}"#,
                    headers: [.init("Idempotency-Key")!: key]
                )
                #expect(r.status == .badRequest, "\(key)")
                #expect(try r.errorFields() == ["Idempotency-Key"])
            }
            try await expectNothingWritten(fx)
            let ok = try await client.send(
                .post, "/v1/customers", key: fx.apiKey, json: #"{"name": "x"}"#,
                headers: [.init("Idempotency-Key")!: "order 42/7-ä".replacingOccurrences(of: "ä", with: "a")]
            )
            #expect(ok.status == .created)
        }
    }

    /// `/openapi.json` is JSON Schema, where 2.0 is an integer: the server reads it as 2, and
    /// still refuses 2.5.
    @Test func anIntegralNumberIsAnIntegerAndAFractionIsNot() async throws {
        try await withTestAPI { client, fx in
            let cus =
                try await client.post("/v1/customers", fx, #"{"name": "Ada", "address": {"country": "DE"}}"#)
                .json()["id"] as! String
            let line = #"{"description": "Setup", "quantity": 2.0, "unit_amount": 1000}"#
            let ok = try await client.post(
                "/v1/invoices", fx, #"{"customer": "\#(cus)", "currency": "EUR", "lines": [\#(line)]}"#)
            #expect(ok.status == .created)
            #expect(try (ok.json()["lines"] as? [[String: Any]])?.first?["quantity"] as? Int == 2)
            let half = #"{"description": "Setup", "quantity": 2.5, "unit_amount": 1000}"#
            let refused = try await client.post(
                "/v1/invoices", fx, #"{"customer": "\#(cus)", "currency": "EUR", "lines": [\#(half)]}"#)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.errorFields() == ["lines[0].quantity"])
        }
    }

    /// A report's `customer` filter is a customer id: an empty or malformed one is named, not
    /// read as "everyone".
    @Test func aReportsCustomerFilterMustBeACustomerID() async throws {
        try await withTestAPI { client, fx in
            for path in ["/v1/reports/open_items?customer=", "/v1/exports/collection?customer=inv_1"] {
                let r = try await client.get(path, fx)
                #expect(r.status == .unprocessableContent, "\(path)")
                #expect(try r.errorFields() == ["customer"])
            }
        }
    }
}
