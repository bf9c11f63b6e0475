import Crypto
import Foundation

/// One numbered SQL file from `Migrations/` (`0007_invoices.sql` → version 7).
public struct MigrationFile: Sendable, Equatable {
    public let version: Int
    public let name: String
    public let sql: String
    /// SHA-256 of the file's bytes, hex. An applied file must never change afterwards.
    public let checksum: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.checksum = SHA256.hash(data: Data(sql.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Reads every `NNNN_name.sql` in `directory`, ordered by number. Two files with one number
    /// or a misnamed `.sql` file are errors, not something to guess about.
    public static func load(from directory: URL) throws -> [MigrationFile] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".sql") }
        var files: [MigrationFile] = []
        for name in names {
            let stem = name.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw StoreError.invalidMigrationFile(name)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            files.append(MigrationFile(version: version, name: name, sql: sql))
        }
        files.sort { $0.version < $1.version }
        for (a, b) in zip(files, files.dropFirst()) where a.version == b.version {
            throw StoreError.invalidMigrationFile("\(b.name) (number \(b.version) is used twice)")
        }
        return files
    }

    /// `Migrations/` of the working directory, else the one in the source tree this binary was
    /// built from (so `kontor` works when started from another directory of the checkout).
    public static var defaultDirectory: URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Migrations")
        if FileManager.default.fileExists(atPath: cwd.path) { return cwd }
        return sourceRoot.appendingPathComponent("Migrations")
    }

    /// The package root, derived from this file's location at build time.
    public static var sourceRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
    }
}
