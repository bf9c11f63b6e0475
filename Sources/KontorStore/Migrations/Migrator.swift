import Logging
import PostgresNIO

/// Applies `Migrations/` in order, each file in its own transaction, recorded with its checksum.
///
/// Invariant: while one node migrates, every other node waits on the same advisory lock, then
/// finds the files recorded and applies nothing — so any number of `kontor serve` processes
/// may start at once. A recorded file whose checksum changed stops startup.
public struct Migrator: Sendable {
    /// Advisory lock key: "kontor" as ASCII, so it does not collide with application locks.
    static let lockKey: Int64 = 0x6B6F_6E74_6F72

    public let files: [MigrationFile]

    public init(files: [MigrationFile]) {
        self.files = files
    }

    /// Returns the names of the files this call applied.
    @discardableResult
    public func migrate(_ client: PostgresClient, logger: Logger) async throws -> [String] {
        try await client.withConnection { connection in
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger.forQuery)
            do {
                let applied = try await applyPending(connection, logger: logger.forQuery)
                _ = try await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger.forQuery)
                return applied
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(Self.lockKey))", logger: logger.forQuery)
                throw error
            }
        }
    }

    private func applyPending(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        _ = try await connection.query(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now())
            """,
            logger: logger.forQuery
        )
        var recorded: [Int: (name: String, checksum: String)] = [:]
        for try await (version, name, checksum) in try await connection.query(
            "SELECT version, name, checksum FROM schema_migrations",
            logger: logger.forQuery
        ).decode((Int, String, String).self) {
            recorded[version] = (name, checksum)
        }
        let byVersion = Dictionary(uniqueKeysWithValues: files.map { ($0.version, $0) })
        for (version, entry) in recorded.sorted(by: { $0.key < $1.key }) {
            guard let file = byVersion[version] else {
                throw StoreError.migrationMissing(version: version, name: entry.name)
            }
            guard file.checksum == entry.checksum else { throw StoreError.migrationChanged(file: file.name) }
        }
        var applied: [String] = []
        for file in files where recorded[file.version] == nil {
            do {
                try await connection.withTransaction(logger: logger.forQuery) { tx in
                    for statement in SQLStatementSplitter.split(file.sql) {
                        _ = try await tx.query(PostgresQuery(unsafeSQL: statement), logger: logger.forQuery)
                    }
                    _ = try await tx.query(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(file.version), \(file.name), \(file.checksum))",
                        logger: logger.forQuery
                    )
                }
            } catch let error as PostgresTransactionError {
                let cause = error.closureError ?? error.commitError ?? error.beginError ?? error
                throw StoreError.migrationFailed(file: file.name, reason: Self.describe(cause))
            }
            logger.info("applied migration", metadata: ["file": "\(file.name)"])
            applied.append(file.name)
        }
        return applied
    }

    static func describe(_ error: any Error) -> String {
        if let psql = error as? PSQLError, let message = psql.serverInfo?[.message] {
            return message
        }
        return String(describing: error)
    }
}
