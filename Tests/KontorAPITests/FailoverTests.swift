import Foundation
import KontorCore
import KontorEmbedded
import KontorStore
import KontorTestSupport
import Logging
import PostgresNIO
import Synchronization
import Testing

/// A multi-host `DATABASE_URL` on two real servers: the connector uses the writable one, moves
/// when it dies or turns read-only (a failover and a demotion), and a transaction interrupted
/// by it is run again only where that is safe.
///
/// Two independent clusters stand in for primary and standby: "promotion" is a server that
/// stops being read-only. The real thing (pg_auto_failover) is `deploy/ha/failover-test.sh`.
/// These tests stop servers and block on pg_ctl: they run with the outage test
/// (`KONTOR_OUTAGE_TEST=1`), in a process of their own.
@Suite(.serialized) struct FailoverTests {
    static let enabled = ProcessInfo.processInfo.environment["KONTOR_OUTAGE_TEST"] == "1"
    let logger = TestLog.logger

    /// A running cluster whose `kontor` role has `password`, with table `t`. Durable (not
    /// ephemeral): a commit must survive the kill -9 these tests deal out.
    static func server(password: String, readOnly: Bool = false) async throws -> EmbeddedPostgres {
        let root = NSTemporaryDirectory() + "kontor-failover-" + Identifier.make("r", length: 8)
        let cluster = try EmbeddedPostgres(root: root)
        _ = try cluster.start()
        try await sql(cluster, "CREATE TABLE t (id int PRIMARY KEY, note text)")
        try await sql(cluster, "ALTER ROLE kontor PASSWORD '\(password)'", password: try cluster.password())
        if readOnly { try await setReadOnly(cluster, true, password: password) }
        return cluster
    }

    static func sql(_ cluster: EmbeddedPostgres, _ text: String, password: String? = nil) async throws {
        var configuration = try cluster.configuration(database: "postgres")
        if let password { configuration.password = password }
        try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
            _ = try await client.query(PostgresQuery(unsafeSQL: text), logger: TestLog.logger).collect()
        }
    }

    /// Turns a server read-only (a demoted primary) or writable (a promoted standby), for the
    /// sessions already open too (a reload re-reads the default).
    static func setReadOnly(_ cluster: EmbeddedPostgres, _ on: Bool, password: String) async throws {
        try await sql(cluster, "ALTER SYSTEM SET default_transaction_read_only = \(on)", password: password)
        try await sql(cluster, "SELECT pg_reload_conf()", password: password)
        try await Task.sleep(for: .milliseconds(300))
    }

    static func ids(_ cluster: EmbeddedPostgres, password: String) async throws -> [Int] {
        var configuration = try cluster.configuration(database: "postgres")
        configuration.password = password
        return try await PostgresClient.withRunning(configuration, logger: TestLog.logger) { client in
            var ids: [Int] = []
            for try await id in try await client.query("SELECT id FROM t ORDER BY id", logger: TestLog.logger)
                .decode(Int.self)
            {
                ids.append(id)
            }
            return ids
        }
    }

    static func insert(_ id: Int, on database: Database, idempotent: Bool = false) async throws {
        try await database.transaction(idempotent: idempotent) { conn in
            _ = try await conn.query("INSERT INTO t (id) VALUES (\(id))", logger: TestLog.logger)
        }
    }

    /// Starts a killed server again (its orphaned backends may hold it off for a moment).
    static func restart(_ cluster: EmbeddedPostgres) async throws {
        for _ in 0..<40 {
            let started = Mutex(false)
            await offCooperativePool { started.withLock { $0 = (try? cluster.start()) != nil } }
            if started.withLock({ $0 }) { return }
            try await Task.sleep(for: .milliseconds(250))
        }
        Issue.record("server did not restart")
    }

    static func remove(_ clusters: EmbeddedPostgres...) async {
        await offCooperativePool {
            for cluster in clusters {
                _ = try? Shell.run(
                    cluster.binaries.pgCtl, ["-D", cluster.dataDirectory, "-m", "immediate", "stop"], as: cluster.owner)
                try? FileManager.default.removeItem(atPath: cluster.root)
                try? FileManager.default.removeItem(atPath: cluster.home)
            }
        }
    }

    @Test(.enabled(if: enabled), .timeLimit(.minutes(2)))
    func theConnectorFollowsThePrimaryThroughFailoverAndDemotion() async throws {
        let password = "failover-secret"
        let a = try await Self.server(password: password)
        let b = try await Self.server(password: password, readOnly: true)
        defer { Task { await Self.remove(a, b) } }
        let url = try DatabaseURL(
            "postgres://kontor:\(password)@127.0.0.1:\(a.port),127.0.0.1:\(b.port)/postgres?target_session_attrs=read-write"
        )
        let connector = await DatabaseConnector(url: url, logger: logger, grace: .milliseconds(200))
        let database = Database(connector: connector, logger: logger)
        let monitor = DatabaseMonitor(database: database, interval: .milliseconds(300))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await connector.run() }
            group.addTask { try await monitor.run() }
            defer { group.cancelAll() }

            // The read-only server is listed second, but it is the writable one that is chosen.
            try await Self.insert(1, on: database)
            #expect(try await Self.ids(a, password: password) == [1])
            #expect(connector.generation == 0)

            // Failover: A dies (kill -9); a write already on its way waits, and lands on B once
            // B is promoted — not an error for the caller.
            let pid = Int32(
                try String(contentsOfFile: a.dataDirectory + "/postmaster.pid", encoding: .utf8)
                    .split(separator: "\n")[0])!
            kill(pid, SIGKILL)
            try await Task.sleep(for: .milliseconds(500))  // its backends notice and exit
            async let write: Void = Self.insert(2, on: database)
            try await Task.sleep(for: .seconds(1))
            try await Self.setReadOnly(b, false, password: password)
            try await write
            let onB = try await Self.ids(b, password: password)
            #expect(onB == [2])
            #expect(connector.generation == 1)

            // Demotion: A comes back writable, B turns read-only under open sessions (25006):
            // the next write finds A again.
            try await Self.restart(a)
            try await Self.setReadOnly(b, true, password: password)
            try await Self.insert(3, on: database)
            #expect(try await Self.ids(a, password: password) == [1, 3])
            #expect(try await Self.ids(b, password: password) == [2])
            #expect(connector.generation == 2)
        }
    }

    /// COMMIT itself lost (the server dies while committing): nobody knows whether it
    /// committed, so only an idempotent transaction is run again. Lost before COMMIT: nothing
    /// was committed, so it is always run again.
    @Test(.enabled(if: enabled), .timeLimit(.minutes(2)))
    func anInterruptedTransactionIsRetriedOnlyWhereThatIsSafe() async throws {
        let password = "commit-secret"
        let a = try await Self.server(password: password)
        defer { Task { await Self.remove(a) } }
        // The connection is killed by the server at COMMIT (a deferred trigger ends its own
        // backend) while the sequence says so: once per reset.
        for statement in [
            "CREATE SEQUENCE kill_once",
            """
            CREATE FUNCTION die_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF nextval('kill_once') = 1 THEN PERFORM pg_terminate_backend(pg_backend_pid()); END IF;
                RETURN NULL;
            END $$
            """,
            """
            CREATE CONSTRAINT TRIGGER die_at_commit AFTER INSERT ON t DEFERRABLE INITIALLY DEFERRED
                FOR EACH ROW EXECUTE FUNCTION die_at_commit()
            """,
        ] {
            try await Self.sql(a, statement, password: password)
        }
        // A second host that is down: the URL is multi-host, the connector may relocate.
        let dead = try Shell.freeLoopbackPort()
        let url = try DatabaseURL(
            "postgres://kontor:\(password)@127.0.0.1:\(a.port),127.0.0.1:\(dead)/postgres?target_session_attrs=read-write"
        )
        let connector = await DatabaseConnector(url: url, logger: logger)
        let database = Database(connector: connector, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await connector.run() }
            defer { group.cancelAll() }

            await #expect(throws: StoreError.commitOutcomeUnknown) { try await Self.insert(10, on: database) }
            try await Self.sql(a, "ALTER SEQUENCE kill_once RESTART", password: password)
            try await Self.insert(11, on: database, idempotent: true)
            #expect(try await Self.ids(a, password: password) == [11])

            // Lost before COMMIT (the body's own connection is ended): run again, once.
            let attempts = Mutex(0)
            try await database.transaction { conn in
                _ = try await conn.query("INSERT INTO t (id) VALUES (12)", logger: logger)
                if attempts.withLock({
                    $0 += 1; return $0
                }) == 1 {
                    _ = try await conn.query("SELECT pg_terminate_backend(pg_backend_pid())", logger: logger)
                    _ = try await conn.query("SELECT pg_sleep(1)", logger: logger)  // the end reaches it here
                }
            }
            #expect(attempts.withLock { $0 } == 2)
            #expect(try await Self.ids(a, password: password) == [11, 12])
        }
    }
}
