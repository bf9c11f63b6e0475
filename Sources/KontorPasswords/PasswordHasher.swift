import HummingbirdBcrypt

/// Password hashing for console logins: bcrypt (HummingbirdBcrypt, the maintained C
/// implementation Hummingbird ships), salted per hash, cost 12 by default (~0.25 s a check on
/// one core: slow on purpose). Only the hash is ever stored.
public struct PasswordHasher: Sendable {
    public let cost: UInt8

    /// `cost` 4…31; tests use a low one so that they stay quick.
    public init(cost: UInt8 = 12) { self.cost = min(31, max(4, cost)) }

    public func hash(_ password: String) -> String { Bcrypt.hash(password, cost: cost) }

    /// Constant work whether or not the user exists: check against this when there is no user.
    public static let decoy = Bcrypt.hash("kontor-no-such-user", cost: 12)

    public func verify(_ password: String, hash: String) -> Bool { Bcrypt.verify(password, hash: hash) }
}
