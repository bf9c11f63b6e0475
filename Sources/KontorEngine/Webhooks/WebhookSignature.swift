import Crypto
import Foundation

/// Standard Webhooks signing (standardwebhooks.com): the secret is `whsec_` + base64 of the
/// key bytes; the signature is `v1,` + base64(HMAC-SHA256(key, "<id>.<timestamp>.<body>")).
public enum WebhookSignature {
    public static let prefix = "whsec_"

    /// A new secret with 32 random key bytes.
    public static func makeSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<4).flatMap { _ in withUnsafeBytes(of: generator.next()) { Array($0) } }
        return prefix + Data(bytes).base64EncodedString()
    }

    /// The value of the `webhook-signature` header.
    public static func sign(secret: String, id: String, timestamp: Int, body: [UInt8]) -> String? {
        guard secret.hasPrefix(prefix), let key = Data(base64Encoded: String(secret.dropFirst(prefix.count))) else {
            return nil
        }
        var message = Array("\(id).\(timestamp).".utf8)
        message.append(contentsOf: body)
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: key))
        return "v1," + Data(mac).base64EncodedString()
    }
}
