import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// The audit trail: each change names the key that made it, the request's reason, and the
/// object before and after; nobody can change or delete it.
@Suite struct AuditTrailTests {
    @Test func aChangeIsRecordedWithItsKeyReasonAndTheObjectBeforeAndAfter() async throws {
        try await withTestAPI { client, fx in
            let reason: HTTPFields = [HTTPField.Name("Kontor-Reason")!: "Neukunde laut Vertrag 4711"]
            let created = try await client.send(
                .post, "/v1/customers", key: fx.apiKey,
                json: #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#, headers: reason)
            #expect(created.status == .created)
            let id = try created.json()["id"] as! String
            let renamed = try await client.send(
                .patch, "/v1/customers/\(id)", key: fx.apiKey, json: #"{"name": "Ada Lovelace"}"#)
            #expect(renamed.status == .ok)
            let trail = try await client.get("/v1/audit_log?object=\(id)", fx)
            #expect(trail.status == .ok)
            let entries = try trail.json()["data"] as! [[String: Any]]
            #expect(entries.map { $0["action"] as? String } == ["customer.updated", "customer.created"])
            let (update, create) = (entries[0], entries[1])
            let keyID = try #require(try await keyID(fx))
            #expect((create["actor"] as? [String: Any])?["id"] as? String == keyID)
            #expect((create["actor"] as? [String: Any])?["type"] as? String == "api_key")
            #expect(create["reason"] as? String == "Neukunde laut Vertrag 4711")
            #expect(create["before"] is NSNull)
            #expect((update["before"] as? [String: Any])?["name"] as? String == "Ada")
            #expect((update["after"] as? [String: Any])?["name"] as? String == "Ada Lovelace")
            #expect(update["reason"] is NSNull)
            // Paging.
            let first = try await client.get("/v1/audit_log?limit=1", fx).json()
            #expect(first["has_more"] as? Bool == true)
            let next = (first["data"] as! [[String: Any]])[0]["id"] as! String
            let second = try await client.get("/v1/audit_log?limit=1&starting_after=\(next)", fx).json()
            #expect(((second["data"] as! [[String: Any]])[0]["id"] as! String) != next)
        }
    }

    func keyID(_ fx: APIFixture) async throws -> String? {
        let rows = try await fx.database.client.query(
            "SELECT key_id FROM api_keys WHERE tenant_id = \(fx.tenant.id)", logger: fx.database.logger)
        for try await id in rows.decode(String.self) { return id }
        return nil
    }

    @Test func aBadReasonIsRefusedAndNothingIsWritten() async throws {
        try await withTestAPI { client, fx in
            let long = String(repeating: "x", count: 501)
            let r = try await client.send(
                .post, "/v1/customers", key: fx.apiKey,
                json: #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#,
                headers: [HTTPField.Name("Kontor-Reason")!: long])
            #expect(r.status == .unprocessableContent)
            #expect(try r.errorFields() == ["Kontor-Reason"])
            #expect(try await fx.count("customers") == 0)
            #expect(try await fx.count("audit_log") == 0)
        }
    }

    @Test func theTrailCannotBeChangedOrDeleted() async throws {
        try await withTestAPI { client, fx in
            _ = try await client.post(
                "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#)
            #expect(try await fx.count("audit_log") == 1)
            for sql in ["UPDATE audit_log SET reason = 'x'", "DELETE FROM audit_log", "TRUNCATE audit_log"] {
                await #expect(throws: (any Error).self, "\(sql)") { try await fx.execute(sql) }
            }
            #expect(try await fx.count("audit_log") == 1)
        }
    }
}
