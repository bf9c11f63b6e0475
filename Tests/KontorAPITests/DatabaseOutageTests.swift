import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import KontorAPI
import KontorCore
import KontorEmbedded
import KontorEngine
import KontorStore
import KontorTestSupport
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

/// Losing the database: kill -9 of the postmaster while the app and a worker run. Requests fail
/// fast with 503, /health tells the truth, the cluster is restarted, and the worker resumes by
/// itself — without restarting the process.
///
/// It kills a server and blocks on pg_ctl: it runs in a process of its own (`.ci/run` runs it
/// with `KONTOR_OUTAGE_TEST=1` after the suite), never beside the other tests.
@Suite struct DatabaseOutageTests {
    @Test(
        .enabled(if: ProcessInfo.processInfo.environment["KONTOR_OUTAGE_TEST"] == "1"), .timeLimit(.minutes(2)))
    func aKilledDatabaseMeans503NowAndRecoveryWithinSeconds() async throws {
        let root = NSTemporaryDirectory() + "kontor-outage-" + Identifier.make("r", length: 8)
        let cluster = try EmbeddedPostgres(root: root, ephemeral: true)
        _ = try cluster.start()
        defer {
            try? cluster.stop()
            try? FileManager.default.removeItem(atPath: root)
        }
        let logger = TestLog.logger
        var configuration = try cluster.configuration(database: "postgres")
        configuration.options.connectTimeout = .seconds(1)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let database = Database(client: client, logger: logger)
        let ticks = Mutex(0)
        let worker = RecurringWork(name: "probe worker", interval: .milliseconds(200), logger: logger) { _ in
            _ = try await database.client.query("SELECT 1", logger: logger).collect()
            ticks.withLock { $0 += 1 }
            return 0
        }.watching(database.health)
        let monitor = DatabaseMonitor(database: database, recoverAfter: .seconds(2)) {
            await offCooperativePool { _ = try? cluster.start() }
        }
        let deps = APIDependencies(engine: Engine(database: database), metrics: TestMetrics.registry)
        let app = buildApplication(deps, host: "127.0.0.1", port: 0, logger: logger, services: [monitor, worker]) {
            try await Migrator(
                files: MigrationFile.load(from: MigrationFile.sourceRoot.appendingPathComponent("Migrations"))
            )
            .migrate(database.client, logger: logger)
        }
        try await app.test(.router) { http in
            func status(_ uri: String) async throws -> (Int, Duration) {
                let started = ContinuousClock.now
                let r = try await http.execute(uri: uri, method: .get, headers: [.authorization: "Bearer sk_test_x"])
                return (Int(r.status.code), ContinuousClock.now - started)
            }
            try await Task.sleep(for: .seconds(1))
            #expect(try await status("/health").0 == 200)
            let before = ticks.withLock { $0 }
            #expect(before > 0)

            // kill -9 the postmaster: its backends go with it.
            let pidFile = try String(contentsOfFile: cluster.dataDirectory + "/postmaster.pid", encoding: .utf8)
            let pid = Int32(pidFile.split(separator: "\n")[0])!
            kill(pid, SIGKILL)
            try await Task.sleep(for: .milliseconds(300))

            let (health, healthTime) = try await status("/health")
            #expect(health == 503)
            #expect(healthTime < .milliseconds(2500))
            try await Task.sleep(for: .milliseconds(1500))
            let (api, apiTime) = try await status("/v1/customers")
            #expect(api == 503)
            #expect(apiTime < .seconds(2))

            // The monitor restarts the cluster; the worker and the API come back by themselves.
            var recovered = false
            for _ in 0..<60 where !recovered {
                try await Task.sleep(for: .milliseconds(500))
                recovered = try await status("/health").0 == 200
            }
            #expect(recovered)
            let after = ticks.withLock { $0 }
            var resumed = false
            for _ in 0..<40 where !resumed {
                try await Task.sleep(for: .milliseconds(250))
                resumed = ticks.withLock { $0 } > after
            }
            #expect(resumed)
            #expect(try await status("/v1/customers").0 == 401)  // answered again (the key is unknown)
        }
    }
}

/// Runs blocking work (a child process) on a thread of its own, not on the concurrency pool.
func offCooperativePool(_ work: @escaping @Sendable () -> Void) async {
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        Thread {
            work()
            done.resume()
        }.start()
    }
}
