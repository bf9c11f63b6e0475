import Crypto
import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// What identifies a request for idempotency: the client's key and a fingerprint of what it
/// asked (method, path and body).
public struct IdempotencyRequest: Sendable {
    public let key: String
    public let method: String
    public let path: String
    public let fingerprint: Data

    public init(key: String, method: String, path: String, body: some Sequence<UInt8>) {
        self.key = key
        self.method = method
        self.path = path
        var hasher = SHA256()
        hasher.update(data: Data(method.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(path.utf8))
        hasher.update(data: Data([0]))
        hasher.update(data: Data(body))
        self.fingerprint = Data(hasher.finalize())
    }
}

/// Runs a write operation in one transaction and, when the request carries an idempotency
/// key, stores its response in that same transaction.
///
/// Invariant: a key is recorded if and only if its operation committed, so a retry after a
/// crash either replays the stored answer or does the work for the first time — never twice.
public struct IdempotentOperation: Sendable {
    public let database: Database
    let keys: IdempotencyRepository

    public init(database: Database) {
        self.database = database
        self.keys = IdempotencyRepository(logger: database.logger)
    }

    /// Returns the operation's response, or the stored one on a replay.
    /// Throws `EngineError.idempotencyKeyReused` for the same key with another request.
    public func run(
        tenant: Tenant, request: IdempotencyRequest?,
        _ operation: (PostgresConnection) async throws -> StoredResponse
    ) async throws -> (response: StoredResponse, replayed: Bool) {
        try await database.transaction { conn in
            guard let request else { return (try await operation(conn), false) }
            switch try await keys.claim(key: request.key, requestHash: request.fingerprint, tenant: tenant, on: conn) {
            case .replay(let stored):
                return (stored, true)
            case .mismatch:
                throw EngineError.idempotencyKeyReused
            case .fresh:
                let response = try await operation(conn)
                try await keys.record(
                    key: request.key, requestHash: request.fingerprint, method: request.method, path: request.path,
                    response: response, tenant: tenant, on: conn
                )
                return (response, false)
            }
        }
    }
}
