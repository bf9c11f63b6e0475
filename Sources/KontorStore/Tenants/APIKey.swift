import Crypto
import Foundation
import KontorCore

/// An API key in clear, as shown once to its owner: `sk_test_…` or `sk_live_…`.
///
/// Invariant: only `hash` (SHA-256 of the clear key) is ever stored. 32 random base62
/// characters give ~190 bits, so an unsalted fast hash is safe here: there is nothing to
/// brute-force, unlike a password.
public struct APIKey: Sendable {
    public let secret: String

    public static func generate(livemode: Bool) -> APIKey {
        APIKey(secret: Identifier.make(livemode ? "sk_live" : "sk_test", length: 32))
    }

    public init(secret: String) {
        self.secret = secret
    }

    public var hash: [UInt8] { Self.hash(secret) }

    public static func hash(_ secret: String) -> [UInt8] { Array(SHA256.hash(data: Data(secret.utf8))) }

    /// The first characters, kept in clear to recognize a key in a list without revealing it.
    public var displayPrefix: String { String(secret.prefix(12)) }
}
