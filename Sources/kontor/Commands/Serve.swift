import ArgumentParser
import Foundation
import Hummingbird
import KontorAPI
import KontorCore
import KontorEmbedded
import KontorEngine
import KontorMail
import KontorStore
import Logging
import Metrics
import PostgresNIO
import Prometheus
import ServiceLifecycle

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP API and the workers (starts a private PostgreSQL unless DATABASE_URL is set)."
    )

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(help: "Directory for the private PostgreSQL cluster and the default API key.")
    var stateDirectory = ".kontor"
    @Option(help: "Log level (trace, debug, info, notice, warning, error, critical).")
    var logLevel: String = "info"
    @Option(help: "Seconds between billing runs (the run also follows every API change at once).")
    var billingInterval = 10

    func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "kontor")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        guard !Shell.isListening(host: host, port: port) else {
            throw ValidationError("port \(port) on \(host) is already in use; choose another with --port")
        }
        let target = try await DatabaseTarget.resolve(stateDirectory: stateDirectory, logger: logger)
        defer { target.stopOwnedCluster(logger: logger) }

        let database = try await target.database(logger: logger)
        // Mail goes to KONTOR_SMTP_URL; without it, to .kontor/outbox as .eml files to read.
        let mail: any MailTransport
        if let url = ProcessInfo.processInfo.environment["KONTOR_SMTP_URL"], !url.isEmpty {
            do {
                mail = SMTPClient(configuration: try SMTPConfiguration(url: url))
            } catch {
                throw ValidationError("\(error)")
            }
        } else {
            let folder = URL(fileURLWithPath: stateDirectory).appendingPathComponent("outbox")
            logger.notice("KONTOR_SMTP_URL is not set: messages are kept in \(folder.path)")
            mail = FolderTransport(directory: folder)
        }
        // Where debtors reach the portal (the links in e-mails): KONTOR_PUBLIC_URL, else this server.
        let publicURL =
            ProcessInfo.processInfo.environment["KONTOR_PUBLIC_URL"].flatMap { $0.isEmpty ? nil : $0 }
            ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)"
        guard publicURL.hasPrefix("http://") || publicURL.hasPrefix("https://"), URL(string: publicURL) != nil else {
            throw ValidationError("KONTOR_PUBLIC_URL must be an http:// or https:// URL, not \(publicURL)")
        }
        let engine = Engine(database: database, clock: SystemClock(), mail: mail, portalURL: publicURL)
        let deps = APIDependencies(engine: engine, metrics: registry)
        let keyFile = URL(fileURLWithPath: stateDirectory).appendingPathComponent("api-key")
        let migrations = try MigrationFile.load(from: MigrationFile.defaultDirectory)
        let (host, port) = (host, port)
        let plansDirectory = CatalogService.defaultDirectory
        // Refuse to start on a broken catalog before touching anything.
        _ = try YAMLCatalog.load(directory: plansDirectory)
        _ = try DunningPolicies.load(directory: DunningPolicies.directory(catalog: plansDirectory))
        // Workers start once the migrations below have run (a fresh database has no tables before).
        let gate = StartGate()
        let workers = engine.workers(billingInterval: .seconds(billingInterval)).map { $0.gated(by: gate) }
        // Probes the database every second; restarts the private cluster if it died.
        let cluster = target.ownedCluster
        let monitor = DatabaseMonitor(database: database) {
            guard let cluster else { return }
            // pg_ctl blocks: it runs on a thread of its own, never on the concurrency pool.
            await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
                Thread {
                    do {
                        _ = try cluster.start()
                        logger.notice("private PostgreSQL cluster restarted")
                    } catch {
                        logger.error("private PostgreSQL cluster did not restart", metadata: ["error": "\(error)"])
                    }
                    done.resume()
                }.start()
            }
        }
        let app = buildApplication(
            deps, host: host, port: port, logger: logger, services: [monitor] + workers
        ) {
            let bootstrap = Bootstrap(database: database, migrations: migrations)
            try await bootstrap.migrate()
            let (tenant, key, created) = try await bootstrap.ensureDefaultTenant(keyFile: keyFile)
            let report = try await engine.catalog.sync(
                directory: plansDirectory, now: engine.clock.wallNow()
            )
            _ = try await engine.dunningPolicies.sync(
                directory: DunningPolicies.directory(catalog: plansDirectory),
                tenantIDs: try await TenantRepository(database: database).allIDs(), now: engine.clock.wallNow())
            logger.info(
                "plan catalog synced",
                metadata: ["tenants": "\(report.tenants)", "new_versions": "\(report.added.count)"]
            )
            await gate.open()
            let banner = """
                Kontor listening on http://\(host):\(port)
                Default test-mode tenant \(tenant.id)\(created ? " (new key)" : "")
                API key: \(key)   (saved in \(keyFile.path))

                """
            FileHandle.standardOutput.write(Data(banner.utf8))
        }
        try await app.runService()
    }
}
