import Foundation
import PostgresNIO

/// Parses `postgres://user:password@host:port/database` (also `postgresql://`) into a client
/// configuration. TLS is not negotiated: Kontor expects to reach its database over a private
/// network or loopback; put a TLS-terminating proxy in between otherwise.
public enum DatabaseURL {
    public static func configuration(_ text: String) throws(StoreError) -> PostgresClient.Configuration {
        guard let url = URLComponents(string: text), let scheme = url.scheme,
            scheme == "postgres" || scheme == "postgresql", let host = url.host, !host.isEmpty
        else {
            throw .invalidConfiguration("DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let database = url.path.hasPrefix("/") ? String(url.path.dropFirst()) : url.path
        guard !database.isEmpty else {
            throw .invalidConfiguration("DATABASE_URL names no database (postgres://…/DATABASE)")
        }
        return PostgresClient.Configuration(
            host: host,
            port: url.port ?? 5432,
            username: url.user?.removingPercentEncoding ?? "postgres",
            password: url.password?.removingPercentEncoding,
            database: database,
            tls: .disable
        )
    }
}
