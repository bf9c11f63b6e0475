import Foundation
import KontorStore
import KontorTestSupport
import Logging
import PostgresNIO
import Testing

/// Issue 17: every table can be distributed by `tenant_id` (Citus) — its primary key and
/// unique indexes begin with `tenant_id`, and every foreign key carries it — except the routing
/// tables that find the tenant before it is known; those are reference tables (copied to every
/// node), as `deploy/SHARDING.md` says.
@Suite struct ShardingReadinessTests {
    let logger = Logger(label: "test")

    /// Unique keys that must be global: each finds the tenant from what a request carries.
    static let routingKeys = [
        "api_keys: api_keys_hash",  // an API key's hash → its tenant
        "console_sessions: console_sessions_session_hash_key",  // a console cookie → its user
        "portal_links: portal_links_token_key",  // a debtor's portal link → tenant and customer
        "tenants: tenants_one_default",  // the one default tenant `kontor serve` makes
        "users: users_email",  // a console login's e-mail → its user (one account per address)
    ]

    func names(_ db: Database, _ sql: String) async throws -> [String] {
        let rows = try await db.client.query(PostgresQuery(unsafeSQL: sql), logger: logger)
        var result: [String] = []
        for try await name in rows.decode(String.self) { result.append(name) }
        return result.sorted()
    }

    @Test func keysBeginWithTheTenant() async throws {
        try await withTestDatabase { db in
            let keys = try await names(
                db,
                """
                SELECT t.relname || ': ' || i.relname
                FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
                JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND (x.indisunique OR x.indisprimary) AND t.relkind = 'r'
                  AND t.relname <> 'schema_migrations'
                  AND (SELECT attname FROM pg_attribute WHERE attrelid = t.oid AND attnum = x.indkey[0]) IS DISTINCT FROM 'tenant_id'
                """)
            let foreign = try await names(
                db,
                """
                SELECT t.relname || ': ' || c.conname
                FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND c.contype = 'f'
                  AND NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.conrelid
                                  AND a.attnum = ANY(c.conkey) AND a.attname = 'tenant_id')
                """)
            let unkeyed = try await names(
                db,
                """
                SELECT t.relname FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace
                WHERE n.nspname = 'public' AND t.relkind IN ('r', 'p') AND t.relname <> 'schema_migrations'
                  AND (NOT EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = t.oid AND a.attname = 'tenant_id')
                       OR NOT EXISTS (SELECT 1 FROM pg_index x WHERE x.indrelid = t.oid AND x.indisprimary))
                """)
            #expect(unkeyed == [], "every table has tenant_id and a primary key")
            #expect(keys == Self.routingKeys.sorted(), "a new unique key must begin with tenant_id")
            #expect(foreign == [], "every foreign key carries tenant_id")
        }
    }
}
