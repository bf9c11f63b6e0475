import Foundation
import KontorStore

/// Where `initdb`, `pg_ctl` and `postgres` live on this machine.
public struct PostgresBinaries: Sendable {
    public let directory: String

    public var initdb: String { directory + "/initdb" }
    public var pgCtl: String { directory + "/pg_ctl" }

    /// `KONTOR_PG_BIN`, then `PATH`, then the newest `/usr/lib/postgresql/*/bin` (Debian layout).
    public static func locate(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        debianRoot: String = "/usr/lib/postgresql"
    ) throws(StoreError) -> PostgresBinaries {
        var candidates: [String] = []
        if let explicit = environment["KONTOR_PG_BIN"] { candidates.append(explicit) }
        candidates += (environment["PATH"] ?? "").split(separator: ":").map(String.init)
        let debian = debianRoot
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: debian)) ?? []
        candidates += versions.compactMap(Int.init).sorted(by: >).map { "\(debian)/\($0)/bin" }
        for directory in candidates {
            let fm = FileManager.default
            if fm.isExecutableFile(atPath: directory + "/initdb"), fm.isExecutableFile(atPath: directory + "/pg_ctl"),
                fm.isExecutableFile(atPath: directory + "/postgres")
            {
                // Resolve symlinks (/usr/local/bin/initdb → /usr/lib/postgresql/15/bin/initdb) so
                // that pg_ctl finds its sibling `postgres` binary of the same version.
                let resolved = URL(fileURLWithPath: directory + "/initdb").resolvingSymlinksInPath()
                    .deletingLastPathComponent().path
                return PostgresBinaries(directory: resolved)
            }
        }
        throw .postgresBinariesNotFound
    }
}
