import Logging
import PostgresNIO

/// Databases on a server: created for a private cluster, a test or a benchmark, dropped after a
/// benchmark. Names must be plain identifiers: `CREATE DATABASE` takes no bind parameters.
public enum DatabaseCreation {
    /// Creates `name` (optionally from a template) unless it exists.
    public static func createIfMissing(
        _ name: String, template: String? = nil, on client: PostgresClient, logger: Logger
    ) async throws {
        precondition(isIdentifier(name) && (template.map(isIdentifier) ?? true), "database names are identifiers")
        let rows = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger.forQuery)
        for try await _ in rows { return }
        let suffix = template.map { " TEMPLATE \($0)" } ?? ""
        _ = try await client.query(
            PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)\(suffix)"), logger: logger.forQuery)
    }

    public static func drop(_ name: String, on client: PostgresClient, logger: Logger) async throws {
        precondition(isIdentifier(name), "database names are identifiers")
        _ = try await client.query(PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name)"), logger: logger.forQuery)
    }

    static func isIdentifier(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }
}
