import Crypto
import Foundation
import KontorCore

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
