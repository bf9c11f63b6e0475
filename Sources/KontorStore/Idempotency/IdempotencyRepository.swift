import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Idempotency keys, Stripe's semantics: a key names one request; repeating it returns the
/// first answer; reusing it for another request is a conflict.
public struct IdempotencyRepository: Sendable {
    /// Keys are kept at least this long (Stripe: 24 hours).
    public static let retention: TimeInterval = 24 * 3600

    public enum Claim: Sendable, Equatable {
        /// First use: do the work and `record` the response in the same transaction.
        case fresh
        /// The same request was answered before.
        case replay(StoredResponse)
        /// The key was used for a different request.
        case mismatch
    }

    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Looks the key up inside the caller's transaction. A concurrent request with the same key
    /// waits on the per-key advisory lock until the first transaction ends, then sees its answer.
    public func claim(key: String, requestHash: Data, tenant: Tenant, on conn: PostgresConnection) async throws -> Claim
    {
        _ = try await conn.query(
            "SELECT pg_advisory_xact_lock(hashtextextended(\(tenant.id + "/" + key), 0))",
            logger: logger.forQuery
        )
        let rows = try await conn.query(
            """
            SELECT request_hash, response_status, response_body FROM idempotency_keys
            WHERE tenant_id = \(tenant.id) AND idempotency_key = \(key)
              AND created_at > now() - make_interval(secs => \(Self.retention))
            """,
            logger: logger.forQuery
        )
        for try await (hash, status, body) in rows.decode((ByteBuffer, Int, ByteBuffer).self) {
            guard Data(hash.readableBytesView) == requestHash else { return .mismatch }
            return .replay(StoredResponse(status: status, body: Data(body.readableBytesView)))
        }
        return .fresh
    }

    public func record(
        key: String, requestHash: Data, method: String, path: String, response: StoredResponse, tenant: Tenant,
        on conn: PostgresConnection
    ) async throws {
        _ = try await conn.query(
            """
            INSERT INTO idempotency_keys (tenant_id, idempotency_key, request_hash, method, path, response_status,
                response_body)
            VALUES (\(tenant.id), \(key), \(ByteBuffer(bytes: Array(requestHash))), \(method), \(path), \(response.status),
                \(ByteBuffer(bytes: Array(response.body))))
            ON CONFLICT (tenant_id, idempotency_key) DO UPDATE
            SET request_hash = EXCLUDED.request_hash, method = EXCLUDED.method, path = EXCLUDED.path,
                response_status = EXCLUDED.response_status, response_body = EXCLUDED.response_body,
                created_at = now()
            """,
            logger: logger.forQuery
        )
    }

    /// Deletes keys past retention (run by a worker; keeps the table small).
    public func purgeExpired(on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(secs => \(Self.retention * 2))",
            logger: logger.forQuery
        )
    }
}
