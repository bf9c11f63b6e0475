import Foundation
import KontorCore
import KontorEmbedded
import KontorStore

/// The database machinery around a test cluster that HA deployments add, for running the same
/// tests through it: a streaming standby (`KONTOR_TEST_REPLICA=1`: reports go to it) and
/// PgBouncer in transaction mode (`KONTOR_TEST_PGBOUNCER=1`: the application's connections go
/// through it). Both are started once per test process beside the cluster and stopped with it.
public enum TestTopology {
    public static var wantsReplica: Bool { ProcessInfo.processInfo.environment["KONTOR_TEST_REPLICA"] == "1" }
    public static var wantsBouncer: Bool { ProcessInfo.processInfo.environment["KONTOR_TEST_PGBOUNCER"] == "1" }

    /// A hot standby of `cluster` (pg_basebackup -R, streaming) in `cluster.home/standby`;
    /// returns its port. `options` are the server options of the primary that a standby must
    /// match (max_connections), plus the rest of them.
    public static func startStandby(of cluster: EmbeddedPostgres) throws -> Int {
        let directory = cluster.home + "/standby"
        let port = try Shell.freeLoopbackPort()
        let conninfo =
            "host=127.0.0.1 port=\(cluster.port) user=\(EmbeddedPostgres.username) password=\(try cluster.password())"
        let base = try Shell.run(
            cluster.binaries.directory + "/pg_basebackup",
            ["-D", directory, "-R", "-X", "stream", "-c", "fast", "-d", conninfo], as: cluster.owner)
        guard base.status == 0 else { throw StoreError.postgresFailed("pg_basebackup: \(base.output.suffix(400))") }
        let options =
            "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c hot_standby=on"
            + " -c fsync=off -c max_connections=300 -c shared_buffers=256MB -c hot_standby_feedback=on"
        let started = try Shell.run(
            cluster.binaries.pgCtl,
            ["-D", directory, "-l", directory + ".log", "-o", options, "-w", "-t", "60", "start"],
            as: cluster.owner)
        guard started.status == 0 else { throw StoreError.postgresFailed("standby: \(started.output.suffix(400))") }
        return port
    }

    /// The shell command that stops the standby (for the guardian).
    public static func stopStandbyCommand(of cluster: EmbeddedPostgres) -> String {
        "\(cluster.binaries.pgCtl) -D \(cluster.home)/standby -m immediate -w stop"
    }

    /// PgBouncer in transaction mode in front of `cluster`, for every database (`*`); returns
    /// its port. Clients are trusted (loopback only); PgBouncer logs in with the cluster's
    /// password.
    public static func startBouncer(for cluster: EmbeddedPostgres) throws -> Int {
        let port = try Shell.freeLoopbackPort()
        let directory = cluster.home + "/pgbouncer"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let config = """
            [databases]
            * = host=127.0.0.1 port=\(cluster.port) user=\(EmbeddedPostgres.username) password=\(try cluster.password())
            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = \(port)
            unix_socket_dir =
            auth_type = trust
            admin_users = \(EmbeddedPostgres.username)
            auth_file = \(directory)/users.txt
            pool_mode = transaction
            max_client_conn = 2000
            default_pool_size = 60
            max_db_connections = 200
            server_reset_query =
            ignore_startup_parameters = extra_float_digits
            pidfile = \(directory)/pgbouncer.pid
            logfile = \(directory)/pgbouncer.log

            """
        try config.write(toFile: directory + "/pgbouncer.ini", atomically: true, encoding: .utf8)
        try "\"\(EmbeddedPostgres.username)\" \"\"\n".write(
            toFile: directory + "/users.txt", atomically: true, encoding: .utf8)
        if let owner = cluster.owner {
            for file in ["", "/pgbouncer.ini", "/users.txt"] { try Shell.chown(directory + file, to: owner) }
        }
        let started = try Shell.run("/usr/sbin/pgbouncer", ["-d", directory + "/pgbouncer.ini"], as: cluster.owner)
        guard started.status == 0 else { throw StoreError.postgresFailed("pgbouncer: \(started.output.suffix(400))") }
        for _ in 0..<50 where !Shell.isListening(host: "127.0.0.1", port: port) { usleep(100_000) }
        return port
    }

    public static func stopBouncerCommand(of cluster: EmbeddedPostgres) -> String {
        "kill $(cat \(cluster.home)/pgbouncer/pgbouncer.pid) 2>/dev/null"
    }
}
