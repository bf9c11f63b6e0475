import Crypto
import Foundation
import KontorCore

/// CSRF protection for the portal's forms: a signed double submit. A page hands out a random
/// cookie (HttpOnly, SameSite=Lax, only for this portal's path) and puts into every form a
/// field that is the HMAC-SHA256 of the cookie keyed by the link's token. A post is accepted
/// only with both, matching — a page on another site can neither read the cookie nor compute
/// the field without the token, and SameSite keeps the cookie off its posts anyway.
enum PortalCSRF {
    static let cookieName = "kontor_portal"

    /// The cookie value a visitor already has, or a new one.
    static func cookie(in header: String?) -> (value: String, isNew: Bool) {
        if let v = value(in: header) { return (v, false) }
        return (String(PortalToken.make().dropFirst(3)), true)
    }

    static func value(in header: String?) -> String? {
        guard let header else { return nil }
        for part in header.split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == cookieName, kv[1].utf8.count == 43 { return String(kv[1]) }
        }
        return nil
    }

    /// The form field for a cookie.
    static func field(cookie: String, token: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(cookie.utf8), using: SymmetricKey(data: Data(token.utf8)))
        return PortalToken.base64url(Array(mac))
    }

    /// Whether a post carries the field that matches its cookie (compared in constant time).
    static func accepts(field: String?, cookieHeader: String?, token: String) -> Bool {
        guard let field, let cookie = value(in: cookieHeader) else { return false }
        let expected = Array(Self.field(cookie: cookie, token: token).utf8)
        let given = Array(field.utf8)
        guard expected.count == given.count else { return false }
        return zip(expected, given).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func setCookie(_ value: String, token: String, secure: Bool) -> String {
        "\(cookieName)=\(value); Path=/portal/\(token); HttpOnly; SameSite=Lax; Max-Age=86400"
            + (secure ? "; Secure" : "")
    }
}
