/// Errors of the storage layer. `description` never contains row data or credentials.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case invalidConfiguration(String)
    case migrationChanged(file: String)
    case migrationMissing(version: Int, name: String)
    case invalidMigrationFile(String)
    case migrationFailed(file: String, reason: String)
    case postgresBinariesNotFound
    case postgresFailed(String)
    case notFound
    case conflict(String)
    /// The connection died while COMMIT was on its way: the transaction may or may not have
    /// committed. Only a retry that finds its first run (an idempotency key) is safe.
    case commitOutcomeUnknown

    public var description: String {
        switch self {
        case .invalidConfiguration(let message): message
        case .migrationChanged(let file):
            "migration \(file) was changed after it was applied (checksum differs); restore the file and add a new migration instead"
        case .migrationMissing(let version, let name):
            "migration \(version) (\(name)) is applied in the database but missing from the Migrations directory"
        case .invalidMigrationFile(let name): "migration file \(name) must be named NNNN_description.sql"
        case .migrationFailed(let file, let reason): "migration \(file) failed: \(reason)"
        case .postgresBinariesNotFound:
            "no PostgreSQL server binaries found (looked in PATH and /usr/lib/postgresql/*/bin); install PostgreSQL 14+ or set DATABASE_URL"
        case .postgresFailed(let message): message
        case .notFound: "not found"
        case .conflict(let message): message
        case .commitOutcomeUnknown:
            "the database connection was lost during COMMIT; whether the change was saved is unknown"
        }
    }
}
