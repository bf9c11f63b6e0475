import Foundation
import KontorCore
import Logging
import PostgresNIO

extension UserRole: StoredState {}

/// Console users and their sessions. Passwords only ever as bcrypt hashes, sessions only as the
/// SHA-256 of the cookie's secret.
public struct UserRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// Stores a new user; false when the e-mail address already has a login.
    public func insert(_ u: ConsoleUser, passwordHash: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            """
            INSERT INTO users (tenant_id, user_id, email, role, password_hash, created_at)
            VALUES (\(u.tenantID), \(u.id), \(u.email), \(state: u.role), \(passwordHash), \(u.createdAt))
            ON CONFLICT DO NOTHING RETURNING 1
            """, logger: logger.forQuery)
        for try await _ in rows { return true }
        return false
    }

    /// A login's user with what the password check needs, locked for this transaction.
    public struct Login: Sendable {
        public let user: ConsoleUser
        public let passwordHash: String
        public let failures: Int
        public let lockedUntil: Date?
    }

    public func login(email: String, on conn: PostgresConnection) async throws -> Login? {
        let rows = try await conn.query(
            """
            SELECT user_id, tenant_id, email, role, created_at, password_hash, failed_logins, locked_until
            FROM users WHERE email = \(email) AND disabled_at IS NULL FOR UPDATE
            """, logger: logger.forQuery)
        for try await r in rows.decode((String, String, String, String, Date, String, Int32, Date?).self) {
            return Login(
                user: ConsoleUser(
                    id: r.0, tenantID: r.1, email: r.2, role: try UserRole.stored(r.3), createdAt: r.4),
                passwordHash: r.5, failures: Int(r.6), lockedUntil: r.7)
        }
        return nil
    }

    /// Records a failed attempt (and the lock it may bring) or a success (the count starts over).
    public func recordAttempt(
        _ user: ConsoleUser, failures: Int, lockedUntil: Date?, on conn: PostgresConnection
    ) async throws {
        try await conn.query(
            """
            UPDATE users SET failed_logins = \(Int32(failures)), locked_until = \(lockedUntil)
            WHERE tenant_id = \(user.tenantID) AND user_id = \(user.id)
            """, logger: logger.forQuery)
    }

    public func list(tenantID: String, on conn: PostgresConnection) async throws -> [ConsoleUser] {
        let rows = try await conn.query(
            """
            SELECT user_id, tenant_id, email, role, created_at FROM users
            WHERE tenant_id = \(tenantID) AND disabled_at IS NULL ORDER BY email
            """, logger: logger.forQuery)
        var result: [ConsoleUser] = []
        for try await r in rows.decode((String, String, String, String, Date).self) {
            result.append(
                ConsoleUser(id: r.0, tenantID: r.1, email: r.2, role: try UserRole.stored(r.3), createdAt: r.4))
        }
        return result
    }

    // MARK: sessions

    public func startSession(
        hash: String, csrf: String, user: ConsoleUser, now: Date, expires: Date, on conn: PostgresConnection
    ) async throws {
        try await conn.query(
            """
            INSERT INTO console_sessions (tenant_id, session_hash, user_id, csrf, created_at, expires_at)
            VALUES (\(user.tenantID), \(hash), \(user.id), \(csrf), \(now), \(expires))
            """, logger: logger.forQuery)
    }

    /// The user of a live session and its CSRF secret.
    public func session(hash: String, now: Date, on conn: PostgresConnection) async throws
        -> (user: ConsoleUser, csrf: String)?
    {
        let rows = try await conn.query(
            """
            SELECT u.user_id, u.tenant_id, u.email, u.role, u.created_at, s.csrf
            FROM console_sessions s JOIN users u ON u.tenant_id = s.tenant_id AND u.user_id = s.user_id
            WHERE s.session_hash = \(hash) AND s.expires_at > \(now) AND u.disabled_at IS NULL
            """, logger: logger.forQuery)
        for try await r in rows.decode((String, String, String, String, Date, String).self) {
            return (
                ConsoleUser(id: r.0, tenantID: r.1, email: r.2, role: try UserRole.stored(r.3), createdAt: r.4), r.5
            )
        }
        return nil
    }

    public func endSession(hash: String, on conn: PostgresConnection) async throws {
        try await conn.query("DELETE FROM console_sessions WHERE session_hash = \(hash)", logger: logger.forQuery)
    }
}
