import Foundation

/// What a console user may do.
public enum UserRole: String, Sendable, Codable, CaseIterable {
    /// Everything, users included.
    case admin
    /// Receivables, dunning, period close.
    case finance
    /// Dunning and disputes, no write-offs.
    case collector
    /// Reads everything, changes nothing (a tax audit).
    case auditor

    /// Whether the role may change anything at all.
    public var canWrite: Bool { self != .auditor }
}

/// A person with a login to one tenant's console.
public struct ConsoleUser: Sendable, Equatable {
    public let id: String
    public let tenantID: String
    public let email: String
    public let role: UserRole
    public let createdAt: Date

    public init(id: String, tenantID: String, email: String, role: UserRole, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.email = email
        self.role = role
        self.createdAt = createdAt
    }
}

/// The rules of console logins.
public enum LoginRules {
    /// Failed attempts in a row after which the account is locked.
    public static let maxFailures = 5
    /// How long a lock lasts.
    public static let lockDuration: TimeInterval = 15 * 60
    /// How long a session lasts without a new login.
    public static let sessionDuration: TimeInterval = 8 * 3600

    /// When an account is locked after `failures` failed attempts in a row at `now` (nil: not).
    public static func lockedUntil(afterFailures failures: Int, now: Date) -> Date? {
        failures >= maxFailures ? now.addingTimeInterval(lockDuration) : nil
    }

    /// What is wrong with a new password: at least 12 characters, at most 72 bytes (bcrypt reads
    /// no further), not only one repeated character.
    public static func passwordProblems(_ password: String) -> [FieldError] {
        if password.count < 12 {
            return [FieldError(field: "password", message: "must be at least 12 characters")]
        }
        if password.utf8.count > 72 {
            return [FieldError(field: "password", message: "must be at most 72 bytes")]
        }
        if Set(password).count < 4 {
            return [FieldError(field: "password", message: "must not be one or two characters repeated")]
        }
        return []
    }
}
