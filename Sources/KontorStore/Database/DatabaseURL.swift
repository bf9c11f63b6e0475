import Foundation
import PostgresNIO

/// A parsed `DATABASE_URL`: one or more hosts, the credentials, the database and which kind of
/// server to use — libpq's multi-host form, so the same URL works for `psql` and for Kontor:
///
///     postgres://user:password@h1:5432,h2:5433/kontor?target_session_attrs=read-write
///
/// Hosts are tried in the order given (`HostLocator`). TLS is not negotiated: Kontor expects to
/// reach its database over a private network or loopback; put a TLS-terminating proxy in
/// between otherwise.
public struct DatabaseURL: Sendable, Equatable {
    public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
        public let host: String
        public let port: Int
        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    public let endpoints: [Endpoint]
    public let username: String
    public let password: String?
    public let database: String
    public let targetSessionAttributes: TargetSessionAttributes

    /// `name` is the environment variable the text came from, for the error message.
    public init(_ text: String, name: String = "DATABASE_URL") throws(StoreError) {
        let shape = "\(name) must look like postgres://user:password@host:5432/database"
        var rest = Substring(text)
        guard let schemeEnd = rest.range(of: "://"),
            ["postgres", "postgresql"].contains(rest[..<schemeEnd.lowerBound].lowercased())
        else { throw .invalidConfiguration(shape) }
        rest = rest[schemeEnd.upperBound...]
        var query = Substring("")
        if let mark = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        var path = Substring("")
        if let slash = rest.firstIndex(of: "/") {
            path = rest[rest.index(after: slash)...]
            rest = rest[..<slash]
        }
        var user = Substring("postgres")
        var password: Substring?
        if let at = rest.lastIndex(of: "@") {
            let info = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = info.firstIndex(of: ":") {
                user = info[..<colon]
                password = info[info.index(after: colon)...]
            } else {
                user = info
            }
        }
        let endpoints = try rest.split(separator: ",", omittingEmptySubsequences: false).map {
            (part) throws(StoreError) -> Endpoint in try Self.endpoint(part, shape: shape)
        }
        let database = String(path).removingPercentEncoding ?? String(path)
        guard !database.isEmpty, !database.contains("/") else {
            throw .invalidConfiguration("\(name) names no database (postgres://…/DATABASE)")
        }
        var attributes = TargetSessionAttributes.any
        for pair in query.split(separator: "&") where !pair.isEmpty {
            let (key, value) =
                pair.firstIndex(of: "=").map { (pair[..<$0], pair[pair.index(after: $0)...]) } ?? (pair, "")
            guard key == "target_session_attrs" else {
                throw .invalidConfiguration("\(name): unsupported parameter '\(key)' (only target_session_attrs)")
            }
            guard let parsed = TargetSessionAttributes(rawValue: String(value)) else {
                let allowed = TargetSessionAttributes.allCases.map(\.rawValue).joined(separator: ", ")
                throw .invalidConfiguration("\(name): target_session_attrs must be one of \(allowed)")
            }
            attributes = parsed
        }
        self.endpoints = endpoints
        self.username = user.removingPercentEncoding ?? String(user)
        self.password = password.map { $0.removingPercentEncoding ?? String($0) }
        self.database = database
        self.targetSessionAttributes = attributes
    }

    private static func endpoint(_ text: Substring, shape: String) throws(StoreError) -> Endpoint {
        var host = text
        var port = 5432
        if host.hasPrefix("[") {  // [::1]:5432
            guard let close = host.firstIndex(of: "]") else { throw .invalidConfiguration(shape) }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if !after.isEmpty {
                guard after.hasPrefix(":"), let p = Int(after.dropFirst()) else { throw .invalidConfiguration(shape) }
                port = p
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let p = Int(host[host.index(after: colon)...]) else { throw .invalidConfiguration(shape) }
            port = p
            host = host[..<colon]
        }
        guard !host.isEmpty, (1...65535).contains(port) else { throw .invalidConfiguration(shape) }
        return Endpoint(host: String(host), port: port)
    }

    /// The client configuration for one of the hosts.
    public func configuration(for endpoint: Endpoint) -> PostgresClient.Configuration {
        PostgresClient.Configuration(
            host: endpoint.host, port: endpoint.port, username: username, password: password,
            database: database, tls: .disable)
    }

    /// The configuration of the first host — for one-host URLs (tests, tools).
    public static func configuration(_ text: String) throws(StoreError) -> PostgresClient.Configuration {
        let url = try DatabaseURL(text)
        return url.configuration(for: url.endpoints[0])
    }
}
