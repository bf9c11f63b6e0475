import Crypto
import Foundation
import KontorCore
import KontorPasswords
import KontorStore

/// A signed-in console user: who, of which tenant, and the CSRF secret of the session.
public struct ConsoleSession: Sendable {
    public let user: ConsoleUser
    public let tenant: Tenant
    public let csrf: String
}

/// Console users, logins and sessions. A password is checked against its bcrypt hash (and an
/// unknown address against a decoy, so both take as long); five failures in a row lock the
/// account for 15 minutes; a session is a random cookie secret whose SHA-256 alone is stored.
public struct ConsoleAuth: Sendable {
    let database: Database
    let users: UserRepository
    let tenants: TenantRepository
    let hasher: PasswordHasher
    let clock: any BillingClock

    init(database: Database, clock: any BillingClock, hasher: PasswordHasher) {
        self.database = database
        self.users = UserRepository(logger: database.logger)
        self.tenants = TenantRepository(database: database)
        self.hasher = hasher
        self.clock = clock
    }

    /// Makes a user; `password` nil makes a one-time password, returned once.
    public func createUser(tenantID: String, email: String, role: String, password: String?) async throws
        -> (user: ConsoleUser, password: String)
    {
        var errors: [FieldError] = []
        let address = EmailAddress(email.trimmingWhitespace())
        if address == nil { errors.append(FieldError(field: "email", message: "is not an e-mail address")) }
        let userRole = UserRole(rawValue: role)
        if userRole == nil {
            errors.append(FieldError(field: "role", message: "must be admin, finance, collector or auditor"))
        }
        let secret = password ?? Self.oneTimePassword()
        errors += LoginRules.passwordProblems(secret)
        guard errors.isEmpty, let address, let userRole else { throw ValidationError(errors) }
        guard try await tenants.find(tenantID) != nil else {
            throw EngineError.notFound(resource: "tenant", id: tenantID)
        }
        let user = ConsoleUser(
            id: Identifier.make("usr"), tenantID: tenantID, email: address.value.lowercased(), role: userRole,
            createdAt: clock.wallNow())
        let hash = hasher.hash(secret)
        guard try await database.transaction({ try await users.insert(user, passwordHash: hash, on: $0) }) else {
            throw EngineError.conflict("\(user.email) already has a login.")
        }
        return (user, secret)
    }

    /// 20 characters from an alphabet without look-alikes (about 110 bits).
    static func oneTimePassword() -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var g = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int(g.next(upperBound: UInt64(alphabet.count)))] })
    }

    public enum LoginResult: Sendable {
        case signedIn(cookie: String, session: ConsoleSession)
        case wrong
        case locked(until: Date)
    }

    public func login(email: String, password: String) async throws -> LoginResult {
        let now = clock.wallNow()
        let address = email.trimmingWhitespace().lowercased()
        return try await database.transaction { conn in
            guard let login = try await users.login(email: address, on: conn) else {
                _ = hasher.verify(password, hash: PasswordHasher.decoy)
                return .wrong
            }
            if let until = login.lockedUntil, until > now { return .locked(until: until) }
            guard hasher.verify(password, hash: login.passwordHash) else {
                let failures = login.failures + 1
                let lock = LoginRules.lockedUntil(afterFailures: failures, now: now)
                try await users.recordAttempt(
                    login.user, failures: lock == nil ? failures : 0, lockedUntil: lock, on: conn)
                return lock.map { .locked(until: $0) } ?? .wrong
            }
            try await users.recordAttempt(login.user, failures: 0, lockedUntil: nil, on: conn)
            guard let tenant = try await tenants.find(login.user.tenantID) else { return .wrong }
            let cookie = String(PortalToken.make().dropFirst(3))
            let csrf = String(PortalToken.make().dropFirst(3))
            try await users.startSession(
                hash: Self.digest(cookie), csrf: csrf, user: login.user, now: now,
                expires: now.addingTimeInterval(LoginRules.sessionDuration), on: conn)
            return .signedIn(cookie: cookie, session: ConsoleSession(user: login.user, tenant: tenant, csrf: csrf))
        }
    }

    /// The session a cookie secret opens, or nil (unknown, expired, user disabled).
    public func session(cookie: String) async throws -> ConsoleSession? {
        guard cookie.utf8.count == 43 else { return nil }
        guard
            let (user, csrf) = try await database.withConnection({
                try await users.session(hash: Self.digest(cookie), now: clock.wallNow(), on: $0)
            }),
            let tenant = try await tenants.find(user.tenantID)
        else { return nil }
        return ConsoleSession(user: user, tenant: tenant, csrf: csrf)
    }

    public func logout(cookie: String) async throws {
        try await database.transaction { try await users.endSession(hash: Self.digest(cookie), on: $0) }
    }

    public func users(of tenant: Tenant) async throws -> [ConsoleUser] {
        try await database.withConnection { try await users.list(tenantID: tenant.id, on: $0) }
    }

    static func digest(_ secret: String) -> String {
        SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
