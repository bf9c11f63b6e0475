import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorTestSupport
import Testing

@Suite struct CustomerAPITests {
    static let acme = """
        {"name": "ACME GmbH", "email": "billing@acme.de", "kind": "business",
         "address": {"line1": "Hauptstr. 1", "postal_code": "10115", "city": "Berlin", "country": "DE"},
         "tax_id": "DE136695976", "currency": "EUR", "metadata": {"crm": "42"}}
        """

    @Test func createdCustomerIsReturnedAndAnnouncedInTheOutbox() async throws {
        try await withTestAPI { client, fx in
            let response = try await client.send(.post, "/v1/customers", key: fx.apiKey, json: Self.acme)
            #expect(response.status == .created)
            let body = try response.json()
            let id = try #require(body["id"] as? String)
            #expect(id.hasPrefix("cus_"))
            #expect(body["kind"] as? String == "business")
            #expect(body["tax_id"] as? String == "DE136695976")
            #expect((body["address"] as? [String: Any])?["country"] as? String == "DE")
            #expect(body["balance"] as? Int == 0)
            #expect(body["livemode"] as? Bool == false)
            #expect(try await fx.count("events WHERE type = 'customer.created' AND object_id = '\(id)'") == 1)

            let fetched = try await client.send(.get, "/v1/customers/\(id)", key: fx.apiKey)
            #expect(fetched.status == .ok)
            #expect(try fetched.json()["email"] as? String == "billing@acme.de")
        }
    }

    @Test func listIsNewestFirstWithCursorPagination() async throws {
        try await withTestAPI { client, fx in
            var ids: [String] = []
            for n in 1...5 {
                let r = try await client.send(.post, "/v1/customers", key: fx.apiKey, json: #"{"name": "C\#(n)"}"#)
                ids.append(try #require(r.json()["id"] as? String))
            }
            let first = try await client.send(.get, "/v1/customers?limit=2", key: fx.apiKey).json()
            let page1 = (first["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(page1 == [ids[4], ids[3]])
            #expect(first["has_more"] as? Bool == true)
            let second = try await client.send(
                .get, "/v1/customers?limit=3&starting_after=\(ids[3])", key: fx.apiKey
            ).json()
            let page2 = (second["data"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(page2 == [ids[2], ids[1], ids[0]])
            #expect(second["has_more"] as? Bool == false)
        }
    }

    @Test func patchChangesOnlyGivenFieldsAndValidatesTheResult() async throws {
        try await withTestAPI { client, fx in
            let id = try #require(
                try await client.send(.post, "/v1/customers", key: fx.apiKey, json: Self.acme).json()["id"] as? String
            )
            let patched = try await client.send(
                .patch, "/v1/customers/\(id)", key: fx.apiKey, json: #"{"name": "ACME AG", "email": null}"#
            )
            #expect(patched.status == .ok)
            let body = try patched.json()
            #expect(body["name"] as? String == "ACME AG")
            #expect(body["email"] == nil)
            #expect(body["tax_id"] as? String == "DE136695976")

            // Moving the address to France contradicts the German VAT ID: refused, nothing changed.
            let moved = try await client.send(
                .patch, "/v1/customers/\(id)", key: fx.apiKey, json: #"{"address": {"country": "FR"}}"#
            )
            #expect(moved.status == .unprocessableContent)
            #expect(try moved.errorFields() == ["tax_id"])
            let after = try await client.send(.get, "/v1/customers/\(id)", key: fx.apiKey).json()
            #expect((after["address"] as? [String: Any])?["country"] as? String == "DE")
            #expect(try await fx.count("events WHERE type = 'customer.updated'") == 1)
        }
    }

    @Test func anotherTenantsCustomerIsNotFound() async throws {
        try await withTestAPI { client, fx in
            let id = try #require(
                try await client.send(.post, "/v1/customers", key: fx.apiKey, json: Self.acme).json()["id"] as? String
            )
            let (_, otherKey) = try await fx.otherTenant()
            let get = try await client.send(.get, "/v1/customers/\(id)", key: otherKey)
            #expect(get.status == .notFound)
            #expect(get.headers[.contentType] == "application/problem+json")
            let patch = try await client.send(.patch, "/v1/customers/\(id)", key: otherKey, json: #"{"name": "x"}"#)
            #expect(patch.status == .notFound)
            let list = try await client.send(.get, "/v1/customers", key: otherKey).json()
            #expect((list["data"] as? [Any])?.isEmpty == true)
            let cursor = try await client.send(.get, "/v1/customers?starting_after=\(id)", key: otherKey)
            #expect(cursor.status == .unprocessableContent)
            #expect(try cursor.errorFields() == ["starting_after"])
        }
    }

    @Test func sameIdempotencyKeyAndBodyReplaysTheStoredResponse() async throws {
        try await withTestAPI { client, fx in
            let first = try await client.send(
                .post, "/v1/customers", key: fx.apiKey, json: Self.acme, headers: [.init("Idempotency-Key")!: "k-1"]
            )
            let second = try await client.send(
                .post, "/v1/customers", key: fx.apiKey, json: Self.acme, headers: [.init("Idempotency-Key")!: "k-1"]
            )
            #expect(first.status == .created)
            #expect(second.status == .created)
            #expect(second.headers[.init("Idempotent-Replayed")!] == "true")
            #expect(try first.json()["id"] as? String == second.json()["id"] as? String)
            #expect(try await fx.count("customers") == 1)
            #expect(try await fx.count("events") == 1)

            let other = try await client.send(
                .post, "/v1/customers", key: fx.apiKey, json: #"{"name": "Different"}"#,
                headers: [.init("Idempotency-Key")!: "k-1"]
            )
            #expect(other.status == .conflict)
            #expect(try await fx.count("customers") == 1)
        }
    }

    @Test func concurrentRetriesWithOneKeyCreateOneCustomer() async throws {
        try await withTestAPI { client, fx in
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await client.send(
                            .post, "/v1/customers", key: fx.apiKey, json: Self.acme,
                            headers: [.init("Idempotency-Key")!: "race"]
                        ).json()["id"] as? String
                    }
                }
                var ids = Set<String?>()
                for try await id in group { ids.insert(id) }
                #expect(ids.count == 1)
            }
            #expect(try await fx.count("customers") == 1)
        }
    }
}
