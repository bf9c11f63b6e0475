import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// A private PostgreSQL cluster that Kontor creates, starts and stops itself — for
/// `kontor serve` without configuration and for the test suite.
///
/// Layout under `root`: `data/` (the cluster), `run/` (its Unix socket), `password` (the
/// `kontor` role's password, mode 0600), `server.log`. The server listens on 127.0.0.1 only.
///
/// PostgreSQL refuses to run as root. When Kontor runs as root the cluster belongs to the
/// `postgres` system user; if that user cannot reach `root` (a checkout under a private home
/// directory), the cluster lives in a directory of its own under the system's temp directory
/// and `root` becomes a symbolic link to it, so that a second start finds the same cluster.
public struct EmbeddedPostgres: Sendable {
    public let binaries: PostgresBinaries
    /// The path the caller asked for (may be a symbolic link, see above).
    public let root: String
    /// Where the files really are.
    public let home: String
    /// The system user that owns and runs the cluster (`nil`: the current user).
    public let owner: String?
    public let port: Int
    /// Settings that trade durability for speed: only for throw-away test clusters.
    public let ephemeral: Bool

    public static let username = "kontor"

    public var dataDirectory: String { home + "/data" }
    var socketDirectory: String { home + "/run" }
    var passwordFile: String { home + "/password" }
    var logFile: String { home + "/server.log" }

    /// Prepares (but does not start) a cluster at `root`.
    public init(root: String, port: Int? = nil, ephemeral: Bool = false) throws {
        self.binaries = try PostgresBinaries.locate()
        self.owner = Shell.isRoot ? "postgres" : nil
        self.ephemeral = ephemeral
        self.port = try port ?? Shell.freeLoopbackPort()
        let fm = FileManager.default
        let absolute = URL(fileURLWithPath: root).standardizedFileURL.path
        self.root = absolute
        if let owner {
            self.home = try Self.reachableHome(for: absolute, owner: owner)
        } else {
            try fm.createDirectory(atPath: absolute, withIntermediateDirectories: true)
            self.home = absolute
        }
    }

    public var isInitialized: Bool { FileManager.default.fileExists(atPath: dataDirectory + "/PG_VERSION") }

    /// The password of the `kontor` role, created with the cluster.
    public func password() throws -> String {
        try String(contentsOfFile: passwordFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Creates the cluster on first use: `initdb` with a random password for the `kontor` role
    /// and password authentication on loopback.
    public func initializeIfNeeded() throws {
        guard !isInitialized else { return }
        let fm = FileManager.default
        if fm.fileExists(atPath: dataDirectory) { try fm.removeItem(atPath: dataDirectory) }
        let secret = Identifier.make("pw", length: 32)
        _ = fm.createFile(atPath: passwordFile, contents: Data(secret.utf8), attributes: [.posixPermissions: 0o600])
        if let owner { try Shell.chown(passwordFile, to: owner) }
        let result = try Shell.run(
            binaries.initdb,
            [
                "-D", dataDirectory, "-U", Self.username, "--pwfile=\(passwordFile)", "-E", "UTF8",
                "--locale=C", "--auth-host=scram-sha-256", "--auth-local=peer",
            ],
            as: owner
        )
        guard result.status == 0 else {
            throw StoreError.postgresFailed("initdb failed: \(result.output.suffix(500))")
        }
    }

    /// Starts the server and waits until it accepts connections, or attaches to the server
    /// another Kontor process already started on this cluster. Returns the port it listens on
    /// and whether this call started it (only then should the caller stop it).
    public func start() throws -> (port: Int, startedHere: Bool) {
        try initializeIfNeeded()
        if try Shell.run(binaries.pgCtl, ["-D", dataDirectory, "status"], as: owner).status == 0,
            let running = runningPort()
        {
            return (running, false)
        }
        let fm = FileManager.default
        try? fm.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
        if let owner { try Shell.chown(socketDirectory, to: owner) }
        // Unix socket paths are limited to 107 bytes; fall back to TCP only if ours is longer.
        let socket = socketDirectory.utf8.count < 90 ? socketDirectory : ""
        var options = "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories='\(socket)'"
        // initdb's defaults are sized for a toy (128 MB buffers, 1 GB of WAL between
        // checkpoints): a billing run over a million subscriptions spends its time in
        // evictions and checkpoints. Shared memory is only used as it is touched.
        options += " -c shared_buffers=1GB -c max_wal_size=8GB -c checkpoint_timeout=15min -c wal_buffers=64MB"
        // The default random_page_cost (4) prices an index probe for spinning disks: a dunning
        // batch of 500 cases then hashes a tenant's 100,000 rows three times rather than probe
        // 500 keys, every batch. A private cluster lives on local SSD storage.
        options += " -c random_page_cost=1.1"
        if ephemeral {
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300"
        }
        let result = try Shell.run(
            binaries.pgCtl,
            ["-D", dataDirectory, "-l", logFile, "-o", options, "-w", "-t", "60", "start"],
            as: owner
        )
        guard result.status == 0 else {
            let log = (try? String(contentsOfFile: logFile, encoding: .utf8)) ?? ""
            throw StoreError.postgresFailed(
                "PostgreSQL did not start on port \(port): \(result.output.suffix(300)) \(log.suffix(500))"
            )
        }
        return (port, true)
    }

    /// The port of a running server, from line 4 of `postmaster.pid`.
    func runningPort() -> Int? {
        guard let pid = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8) else {
            return nil
        }
        let lines = pid.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.count > 3 ? Int(lines[3].trimmingCharacters(in: .whitespaces)) : nil
    }

    /// Stops the server (fast shutdown: sessions are ended, work committed so far is kept).
    public func stop() throws {
        try Shell.run(binaries.pgCtl, ["-D", dataDirectory, "-m", "fast", "-w", "stop"], as: owner)
    }

    public func configuration(database: String = "postgres", port: Int? = nil) throws -> PostgresClient.Configuration {
        PostgresClient.Configuration(
            host: "127.0.0.1",
            port: port ?? self.port,
            username: Self.username,
            password: try password(),
            database: database,
            tls: .disable
        )
    }

    /// A directory for the cluster that `owner` can reach: `root` itself if it can, else a
    /// directory under the temp directory, linked from `root`.
    static func reachableHome(for root: String, owner: String) throws -> String {
        let fm = FileManager.default
        var isDirectory: ObjCBool = false
        if fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue {
            // Already a link to an outside home, or a home of its own from an earlier start.
            return URL(fileURLWithPath: root).resolvingSymlinksInPath().path
        }
        if (try? fm.destinationOfSymbolicLink(atPath: root)) != nil {
            try fm.removeItem(atPath: root)  // a link whose target was cleaned away
        }
        try fm.createDirectory(atPath: root, withIntermediateDirectories: true)
        try Shell.chown(root, to: owner)
        if try Shell.run("/usr/bin/test", ["-w", root, "-a", "-x", root], as: owner).status == 0 {
            return root
        }
        try fm.removeItem(atPath: root)
        let home = "/var/tmp/kontor-pg-" + Identifier.make("c", length: 12)
        try fm.createDirectory(atPath: home, withIntermediateDirectories: true)
        try Shell.chown(home, to: owner)
        try fm.createSymbolicLink(atPath: root, withDestinationPath: home)
        return home
    }
}
