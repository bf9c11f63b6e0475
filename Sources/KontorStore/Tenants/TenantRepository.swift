import Logging
import PostgresNIO

/// Tenants and their API keys.
public struct TenantRepository: Sendable {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Creates a tenant with one API key; returns the key in clear (it is not stored so).
    public func create(
        name: String, livemode: Bool, isDefault: Bool = false, timeZone: String = "Europe/Berlin"
    ) async throws -> (Tenant, APIKey) {
        let tenant = Tenant(id: Identifier.make("ten"), name: name, livemode: livemode, timeZone: timeZone)
        let key = APIKey.generate(livemode: livemode)
        try await database.transaction { conn in
            _ = try await conn.query(
                """
                INSERT INTO tenants (tenant_id, name, livemode, time_zone, is_default)
                VALUES (\(tenant.id), \(name), \(livemode), \(timeZone), \(isDefault))
                """,
                logger: database.logger
            )
            try await insertKey(key, tenant: tenant, on: conn)
        }
        return (tenant, key)
    }

    /// Adds a key to an existing tenant (key rotation, or a lost `.kontor/api-key`).
    public func issueKey(for tenant: Tenant) async throws -> APIKey {
        let key = APIKey.generate(livemode: tenant.livemode)
        try await database.transaction { conn in try await insertKey(key, tenant: tenant, on: conn) }
        return key
    }

    private func insertKey(_ key: APIKey, tenant: Tenant, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            INSERT INTO api_keys (tenant_id, key_id, key_hash, key_prefix, livemode)
            VALUES (\(tenant.id), \(Identifier.make("key")), \(ByteBuffer(bytes: key.hash)), \(key.displayPrefix), \(tenant.livemode))
            """,
            logger: database.logger
        )
    }

    /// The tenant a clear key belongs to, or `nil` (unknown or revoked key).
    public func authenticate(secret: String) async throws -> Tenant? {
        let rows = try await database.client.query(
            """
            SELECT t.tenant_id, t.name, t.livemode, t.time_zone
            FROM api_keys k JOIN tenants t ON t.tenant_id = k.tenant_id
            WHERE k.key_hash = \(ByteBuffer(bytes: APIKey.hash(secret))) AND k.revoked_at IS NULL
            """,
            logger: database.logger
        )
        for try await (id, name, livemode, zone) in rows.decode((String, String, Bool, String).self) {
            return Tenant(id: id, name: name, livemode: livemode, timeZone: zone)
        }
        return nil
    }

    /// The default tenant that `kontor serve` made on its first start, if any.
    public func defaultTenant() async throws -> Tenant? {
        let rows = try await database.client.query(
            "SELECT tenant_id, name, livemode, time_zone FROM tenants WHERE is_default",
            logger: database.logger
        )
        for try await (id, name, livemode, zone) in rows.decode((String, String, Bool, String).self) {
            return Tenant(id: id, name: name, livemode: livemode, timeZone: zone)
        }
        return nil
    }
}
