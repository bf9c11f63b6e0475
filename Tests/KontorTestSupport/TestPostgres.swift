import Foundation
import KontorCore
import KontorEmbedded
import KontorStore
import Logging
import PostgresNIO
import ServiceLifecycle

/// The throw-away PostgreSQL of a test run.
///
/// Started once per test process (unless `KONTOR_TEST_DATABASE_URL` names a server to use):
/// a cluster in a fresh temp directory with durability switched off, a `kontor_template`
/// database migrated once, and a database per test copied from it (`CREATE DATABASE …
/// TEMPLATE`, milliseconds). A guardian process stops the cluster and deletes its files when
/// the test process ends — also when a test crashes it.
public actor TestPostgres {
    public static let shared = TestPostgres()

    static let template = "kontor_template"
    let logger = TestLog.logger
    /// The one setup of this process. A task, not a value: the actor is reentrant at every
    /// `await`, so parallel tests arriving during setup must wait for the same setup instead
    /// of each starting a cluster of their own.
    private var setup: Task<PostgresClient.Configuration, any Error>?
    /// The standby and the pooler of `TestTopology`, when asked for.
    private var standbyPort: Int?
    private var bouncerPort: Int?

    /// A configuration for the `postgres` maintenance database of the test server, with the
    /// template migrated.
    func adminConfiguration() async throws -> PostgresClient.Configuration {
        if let setup { return try await setup.value }
        let task = Task { try await self.startAndMigrate() }
        setup = task
        return try await task.value
    }

    private func startAndMigrate() async throws -> PostgresClient.Configuration {
        let configuration: PostgresClient.Configuration
        if let url = ProcessInfo.processInfo.environment["KONTOR_TEST_DATABASE_URL"], !url.isEmpty {
            configuration = try DatabaseURL.configuration(url)
        } else {
            configuration = try startCluster()
        }
        try await PostgresClient.withRunning(configuration, logger: logger) { client in
            _ = try await client.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(Self.template) WITH (FORCE)"), logger: logger
            )
            try await DatabaseCreation.createIfMissing(Self.template, on: client, logger: logger)
        }
        var templateConfiguration = configuration
        templateConfiguration.database = Self.template
        let files = try MigrationFile.load(from: MigrationFile.sourceRoot.appendingPathComponent("Migrations"))
        try await PostgresClient.withRunning(templateConfiguration, logger: logger) { client in
            try await Migrator(files: files).migrate(client, logger: logger)
        }
        return configuration
    }

    private func startCluster() throws -> PostgresClient.Configuration {
        let root = NSTemporaryDirectory() + "kontor-test-\(Shell.processID)-" + Identifier.make("r", length: 8)
        let cluster = try EmbeddedPostgres(root: root, ephemeral: true)
        _ = try cluster.start()
        try startGuardian(for: cluster)
        if TestTopology.wantsReplica { standbyPort = try TestTopology.startStandby(of: cluster) }
        if TestTopology.wantsBouncer { bouncerPort = try TestTopology.startBouncer(for: cluster) }
        return try cluster.configuration(database: "postgres")
    }

    /// The port PgBouncer listens on, when `KONTOR_TEST_PGBOUNCER=1`.
    public var pgBouncerPort: Int? { bouncerPort }

    /// What the application under test connects to for `configuration` (a test database):
    /// PgBouncer when `KONTOR_TEST_PGBOUNCER=1`, else the cluster itself.
    public func applicationConfiguration(_ configuration: PostgresClient.Configuration) -> PostgresClient.Configuration
    {
        guard let bouncerPort, let host = configuration.host else { return configuration }
        var through = PostgresClient.Configuration(
            host: host, port: bouncerPort, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: .disable)
        through.options = configuration.options
        return through
    }

    /// The same database on the standby, when `KONTOR_TEST_REPLICA=1`.
    public func replicaConfiguration(_ configuration: PostgresClient.Configuration) -> PostgresClient.Configuration? {
        guard let standbyPort, let host = configuration.host else { return nil }
        var replica = PostgresClient.Configuration(
            host: host, port: standbyPort, username: configuration.username, password: configuration.password,
            database: configuration.database, tls: .disable)
        replica.options = configuration.options
        return replica
    }

    /// A detached shell that waits for this process to end, then stops the cluster and removes
    /// its directory.
    private func startGuardian(for cluster: EmbeddedPostgres) throws {
        var stop = "\(cluster.binaries.pgCtl) -D \(cluster.dataDirectory) -m immediate -w stop"
        if TestTopology.wantsReplica { stop = TestTopology.stopStandbyCommand(of: cluster) + "; " + stop }
        if TestTopology.wantsBouncer { stop = TestTopology.stopBouncerCommand(of: cluster) + "; " + stop }
        let asOwner = cluster.owner.map { "\(Shell.runuser) -u \($0) -- \(stop)" } ?? stop
        let script = """
            while [ -d /proc/\(Shell.processID) ]; do sleep 1; done; \(asOwner); rm -rf '\(cluster.home)' '\(cluster.root)'
            """
        try Shell.run("/bin/sh", ["-c", "nohup sh -c \"\(script)\" >/dev/null 2>&1 &"])
    }

    /// Creates an empty, migrated database for one test, runs `body`, and drops it again —
    /// whether `body` returned or threw.
    public func withFreshDatabase<Result: Sendable>(
        _ body: @Sendable (PostgresClient.Configuration) async throws -> Result
    ) async throws -> Result {
        let admin = try await adminConfiguration()
        let name = "t_" + Identifier.make("db", length: 16).lowercased()
        try await PostgresClient.withRunning(admin, logger: logger) { client in
            try await Self.createFromTemplate(name, on: client, logger: logger)
        }
        var configuration = admin
        configuration.database = name
        configuration.options.maximumConnections = 8
        let result: Result
        do {
            result = try await body(configuration)
        } catch {
            await drop(name, admin: admin)
            throw error
        }
        await drop(name, admin: admin)
        return result
    }

    /// `CREATE DATABASE … TEMPLATE` fails while anyone is connected to the template; the
    /// migrating client may still be closing its connections, so retry briefly.
    static func createFromTemplate(_ name: String, on client: PostgresClient, logger: Logger) async throws {
        var attempt = 0
        while true {
            do {
                try await DatabaseCreation.createIfMissing(name, template: template, on: client, logger: logger)
                return
            } catch {
                attempt += 1
                if attempt > 50 { throw error }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    private func drop(_ name: String, admin: PostgresClient.Configuration) async {
        _ = try? await PostgresClient.withRunning(admin, logger: logger) { client in
            _ = try await client.query(
                PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name) WITH (FORCE)"), logger: logger
            )
        }
    }
}

/// Runs `body` with a fresh migrated database and a running client on it (through PgBouncer
/// and with a replica for reports when `TestTopology` asks for them).
public func withTestDatabase<Result: Sendable>(_ body: @Sendable (Database) async throws -> Result) async throws
    -> Result
{
    try await TestPostgres.shared.withFreshDatabase { configuration in
        let logger = TestLog.logger
        let database = await TestPostgres.shared.database(for: configuration, logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            for service in database.services { group.addTask { try await service.run() } }
            defer { group.cancelAll() }
            return try await body(database)
        }
    }
}

extension TestPostgres {
    /// The application's database handle for a test database: its clients are not running yet
    /// (`Engine.databaseServices` / `Database.services` run them).
    public func database(for configuration: PostgresClient.Configuration, logger: Logger) -> Database {
        let client = PostgresClient(configuration: applicationConfiguration(configuration), backgroundLogger: logger)
        let replica = replicaConfiguration(configuration).map {
            ReplicaRouter(
                connector: DatabaseConnector(
                    fixed: PostgresClient(configuration: $0, backgroundLogger: logger), logger: logger),
                logger: logger, maxWait: .seconds(5))
        }
        return Database(connector: DatabaseConnector(fixed: client, logger: logger), logger: logger, replica: replica)
    }
}
