import Foundation
import KontorCore
import NIOPosix

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Where a webhook may be delivered. A live tenant's endpoint must resolve to public addresses
/// only: never loopback, link-local (169.254.169.254, the cloud metadata service), private,
/// unspecified, multicast or reserved — checked when the endpoint is created and again before
/// every delivery, since DNS may change. Test mode may also call loopback (a merchant's local
/// receiver, the test suite). `KONTOR_WEBHOOK_ALLOW_LOOPBACK=1` allows loopback in live mode
/// too, `KONTOR_WEBHOOK_ALLOW_PRIVATE=1` private networks (an on-premises setup).
///
/// Left open: a name that resolves to a public address at the check and to a private one at
/// the connect (DNS rebinding within milliseconds) is not caught; pinning the address needs a
/// connect by IP with the name kept for TLS, which the HTTP client does not offer.
public struct WebhookTargetPolicy: Sendable {
    public var allowLoopback: Bool
    public var allowPrivate: Bool

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        allowLoopback = environment["KONTOR_WEBHOOK_ALLOW_LOOPBACK"] == "1"
        allowPrivate = environment["KONTOR_WEBHOOK_ALLOW_PRIVATE"] == "1"
    }

    /// Why `url` may not be called for a tenant in this mode, or nil when it may. The name is
    /// resolved by `HostResolver` (its own threads, a deadline, a cache): getaddrinfo can block
    /// for seconds per name.
    public func refusal(_ url: String, livemode: Bool) async -> String? {
        await check(url, livemode: livemode).refusal
    }

    /// What a check found: why not (nil: allowed), and whether the name resolved at all.
    struct Check: Sendable {
        var refusal: String?
        var resolved: Bool
    }

    func check(_ url: String, livemode: Bool, resolver: HostResolver = .shared) async -> Check {
        guard let host = URL(string: url)?.host, !host.isEmpty else {
            return Check(refusal: "has no host", resolved: false)
        }
        if NetworkAddress(literal: host) != nil {
            return Check(refusal: refusal(url, livemode: livemode, addresses: nil), resolved: true)
        }
        guard case .addresses(let addresses) = await resolver.resolve(host) else {
            return Check(refusal: refusal(url, livemode: livemode, addresses: []), resolved: false)
        }
        return Check(refusal: refusal(url, livemode: livemode, addresses: addresses), resolved: true)
    }

    /// The rule over already resolved addresses (nil: the host is a literal address).
    func refusal(_ url: String, livemode: Bool, addresses resolved: [NetworkAddress]?) -> String? {
        guard let host = URL(string: url)?.host, !host.isEmpty else { return "has no host" }
        let addresses: [NetworkAddress]
        if let literal = NetworkAddress(literal: host) {
            addresses = [literal]
        } else {
            // A name that does not resolve (yet) is no way in: it is checked again before each
            // delivery, and a delivery to it fails like any unreachable receiver.
            addresses = resolved ?? []
        }
        for address in addresses {
            let scope = address.scope
            switch scope {
            case .public: continue
            case .loopback where !livemode || allowLoopback: continue
            case .private where allowPrivate: continue
            default:
                return "points at a \(scope.rawValue.replacingOccurrences(of: "_", with: "-")) address"
                    + (livemode ? ": live endpoints must be public" : "")
            }
        }
        return nil
    }

    /// The host's addresses (getaddrinfo, any family).
    static func resolve(_ host: String) -> [NetworkAddress] {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Glibc)
            hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #else
            hints.ai_socktype = SOCK_STREAM
        #endif
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [NetworkAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let info = cursor {
            if let sa = info.pointee.ai_addr {
                if info.pointee.ai_family == AF_INET {
                    let bytes = sa.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in
                        withUnsafeBytes(of: p.pointee.sin_addr) { Array($0) }
                    }
                    addresses.append(.v4(bytes[0], bytes[1], bytes[2], bytes[3]))
                } else if info.pointee.ai_family == AF_INET6 {
                    let bytes = sa.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in
                        withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) }
                    }
                    addresses.append(.v6(bytes))
                }
            }
            cursor = info.pointee.ai_next
        }
        return addresses
    }
}
