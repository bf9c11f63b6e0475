import KontorStore
import Logging
import PostgresNIO

extension PostgresClient {
    /// Runs `body` with a client that is running, and stops it afterwards — for one-shot
    /// commands and tests, where no ServiceGroup owns the client.
    @discardableResult
    public static func withRunning<Result: Sendable>(
        _ configuration: PostgresClient.Configuration, logger: Logger,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (PostgresClient) async throws -> Result
    ) async throws -> Result {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await client.run() }
            defer { group.cancelAll() }
            return try await body(client)
        }
    }
}

public enum DatabaseCreation {
    /// Creates `name` (optionally from a template) unless it exists. `name` must be a plain
    /// identifier: it cannot be a bind parameter in `CREATE DATABASE`.
    public static func createIfMissing(
        _ name: String, template: String? = nil, on client: PostgresClient, logger: Logger
    ) async throws {
        precondition(name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }, "database names are identifiers")
        let rows = try await client.query("SELECT 1 FROM pg_database WHERE datname = \(name)", logger: logger)
        for try await _ in rows { return }
        let suffix = template.map { " TEMPLATE \($0)" } ?? ""
        _ = try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)\(suffix)"), logger: logger)
    }
}
