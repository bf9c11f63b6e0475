import Foundation
import KontorStore
import KontorTestSupport
import Logging
import PostgresNIO
import Testing

@Suite struct MigratorTests {
    let logger = Logger(label: "test")

    func appliedCount(_ db: Database) async throws -> Int {
        let rows = try await db.client.query("SELECT count(*)::bigint FROM schema_migrations", logger: logger)
        for try await n in rows.decode(Int64.self) { return Int(n) }
        return 0
    }

    @Test func alreadyMigratedDatabaseAppliesNothing() async throws {
        try await withTestDatabase { db in
            let files = try MigrationFile.load(from: MigrationFile.sourceRoot.appendingPathComponent("Migrations"))
            let before = try await appliedCount(db)
            #expect(before == files.count)
            let applied = try await Migrator(files: files).migrate(db.client, logger: logger)
            #expect(applied.isEmpty)
        }
    }

    @Test func newFileIsAppliedOnceEvenWhenTwoNodesStartTogether() async throws {
        try await withTestDatabase { db in
            var files = try MigrationFile.load(from: MigrationFile.sourceRoot.appendingPathComponent("Migrations"))
            files.append(
                MigrationFile(
                    version: 9000, name: "9000_counter.sql",
                    sql: """
                        CREATE TABLE applied_counter (n int);
                        INSERT INTO applied_counter VALUES (1);
                        CREATE FUNCTION noop() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END; $$;
                        """
                )
            )
            let migrator = Migrator(files: files)
            async let a = migrator.migrate(db.client, logger: logger)
            async let b = migrator.migrate(db.client, logger: logger)
            let (first, second) = try await (a, b)
            #expect((first + second) == ["9000_counter.sql"])
            let rows = try await db.client.query("SELECT count(*)::bigint FROM applied_counter", logger: logger)
            for try await n in rows.decode(Int64.self) { #expect(n == 1) }
        }
    }

    @Test func changedAppliedFileStopsStartup() async throws {
        try await withTestDatabase { db in
            var files = try MigrationFile.load(from: MigrationFile.sourceRoot.appendingPathComponent("Migrations"))
            let first = files[0]
            files[0] = MigrationFile(version: first.version, name: first.name, sql: first.sql + "\n-- edited\n")
            await #expect(throws: StoreError.migrationChanged(file: first.name)) {
                try await Migrator(files: files).migrate(db.client, logger: logger)
            }
        }
    }

    @Test func failingFileIsRolledBackAndNamed() async throws {
        try await withTestDatabase { db in
            var files = try MigrationFile.load(from: MigrationFile.sourceRoot.appendingPathComponent("Migrations"))
            files.append(
                MigrationFile(version: 9001, name: "9001_broken.sql", sql: "CREATE TABLE half (n int); SELEC 1;")
            )
            do {
                try await Migrator(files: files).migrate(db.client, logger: logger)
                Issue.record("expected failure")
            } catch let error as StoreError {
                guard case .migrationFailed(let file, _) = error else {
                    Issue.record("unexpected \(error)")
                    return
                }
                #expect(file == "9001_broken.sql")
            }
            let rows = try await db.client.query("SELECT to_regclass('half') IS NULL", logger: logger)
            for try await gone in rows.decode(Bool.self) { #expect(gone) }
        }
    }

    @Test func misnamedFileIsRejected() throws {
        let dir = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "SELECT 1;".write(to: dir.appendingPathComponent("init.sql"), atomically: true, encoding: .utf8)
        #expect(throws: StoreError.invalidMigrationFile("init.sql")) { try MigrationFile.load(from: dir) }
    }
}
