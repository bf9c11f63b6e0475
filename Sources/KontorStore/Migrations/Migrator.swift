import Logging
import PostgresNIO

/// Applies `Migrations/` in order, each file in its own transaction, recorded with its checksum.
///
/// Invariant: each file is applied in a transaction that first takes a transaction-scoped
/// advisory lock and then looks again whether the file is recorded — so any number of `kontor
/// serve` processes may start at once and each file is applied once. No session state is held
/// between transactions, so this works through PgBouncer in transaction mode. A recorded file
/// whose checksum changed stops startup.
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
            try await applyPending(connection, logger: logger.forQuery)
        }
    }

    private func applyPending(_ connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.withTransaction(logger: logger.forQuery) { tx in
            _ = try await tx.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger.forQuery)
            _ = try await tx.query(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """,
                logger: logger.forQuery
            )
        }
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
                let done = try await connection.withTransaction(logger: logger.forQuery) { tx -> Bool in
                    _ = try await tx.query("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger.forQuery)
                    // Another node may have applied it while this one waited for the lock.
                    let recordedMeanwhile = try await tx.query(
                        "SELECT 1 FROM schema_migrations WHERE version = \(file.version)", logger: logger.forQuery
                    ).collect()
                    guard recordedMeanwhile.isEmpty else { return false }
                    for statement in SQLStatementSplitter.split(file.sql) {
                        _ = try await tx.query(PostgresQuery(unsafeSQL: statement), logger: logger.forQuery)
                    }
                    _ = try await tx.query(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(file.version), \(file.name), \(file.checksum))",
                        logger: logger.forQuery
                    )
                    return true
                }
                guard done else { continue }
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
