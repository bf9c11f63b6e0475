import Foundation
import KontorCore
import KontorStore
import KontorTestSupport
import Logging
import PostgresNIO
import Testing

@Suite struct TenantTests {
    @Test func keysAreStoredOnlyAsSHA256Hashes() async throws {
        try await withTestDatabase { db in
            let (tenant, key) = try await TenantRepository(database: db).create(name: "ACME", livemode: false)
            #expect(key.secret.hasPrefix("sk_test_"))
            let rows = try await db.client.query(
                "SELECT key_hash, key_prefix FROM api_keys WHERE tenant_id = \(tenant.id)", logger: db.logger
            )
            for try await (hash, prefix) in rows.decode((ByteBuffer, String).self) {
                #expect(Array(hash.readableBytesView) == APIKey.hash(key.secret))
                #expect(prefix.count == 12 && key.secret.hasPrefix(prefix))
            }
            let dump = try await db.client.query(
                "SELECT count(*)::bigint FROM api_keys k WHERE k::text LIKE \("%" + key.secret + "%")",
                logger: db.logger
            )
            for try await n in dump.decode(Int64.self) { #expect(n == 0) }
            #expect(try await TenantRepository(database: db).authenticate(secret: key.secret)?.id == tenant.id)
            #expect(try await TenantRepository(database: db).authenticate(secret: key.secret + "x") == nil)
        }
    }

    @Test func liveTenantsGetLiveKeys() async throws {
        try await withTestDatabase { db in
            let (tenant, key) = try await TenantRepository(database: db).create(name: "Live", livemode: true)
            #expect(tenant.livemode)
            #expect(key.secret.hasPrefix("sk_live_"))
        }
    }

    @Test func everyPrimaryKeyStartsWithTenantID() async throws {
        try await withTestDatabase { db in
            let rows = try await db.client.query(
                """
                SELECT c.relname, a.attname
                FROM pg_index i
                JOIN pg_class c ON c.oid = i.indrelid
                JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
                JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
                WHERE i.indisprimary AND c.relname <> 'schema_migrations'
                """,
                logger: db.logger
            )
            var tables = 0
            for try await (table, firstColumn) in rows.decode((String, String).self) {
                tables += 1
                #expect(firstColumn == "tenant_id", "\(table)")
            }
            #expect(tables >= 5)
        }
    }
}
