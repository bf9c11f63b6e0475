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
