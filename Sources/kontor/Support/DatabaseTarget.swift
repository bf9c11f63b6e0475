import Foundation
import KontorEmbedded
import KontorStore
import Logging
import PostgresNIO

/// Which PostgreSQL a command uses: `DATABASE_URL` if set, else the private cluster under
/// `.kontor/postgres`, created and started on demand.
struct DatabaseTarget {
    /// The server to use now: of a multi-host `DATABASE_URL`, the one its
    /// `target_session_attrs` accepts (one-shot commands use this).
    let configuration: PostgresClient.Configuration
    /// The whole `DATABASE_URL`, for a server that follows failovers (`kontor serve`).
    let url: DatabaseURL?
    /// The private cluster, when this process started it (and so must stop it).
    let ownedCluster: EmbeddedPostgres?

    static let embeddedDatabase = "kontor"

    static func resolve(stateDirectory: String, logger: Logger) async throws -> DatabaseTarget {
        if let text = ProcessInfo.processInfo.environment["DATABASE_URL"], !text.isEmpty {
            let url = try DatabaseURL(text)
            let index = url.endpoints.count > 1 ? await HostLocator(url: url, logger: logger).locate() ?? 0 : 0
            return DatabaseTarget(
                configuration: url.configuration(for: url.endpoints[index]), url: url, ownedCluster: nil)
        }
        let cluster = try EmbeddedPostgres(root: stateDirectory + "/postgres")
        let (port, startedHere) = try cluster.start()
        logger.info(
            "\(startedHere ? "started" : "attached to") private PostgreSQL",
            metadata: ["data": "\(cluster.dataDirectory)", "port": "\(port)"]
        )
        let admin = try cluster.configuration(database: "postgres", port: port)
        try await PostgresClient.withRunning(admin, logger: logger) { client in
            try await DatabaseCreation.createIfMissing(embeddedDatabase, on: client, logger: logger)
        }
        return DatabaseTarget(
            configuration: try cluster.configuration(database: embeddedDatabase, port: port), url: nil,
            ownedCluster: startedHere ? cluster : nil
        )
    }

    /// The database handle of a long-running server: a connector that follows failovers of a
    /// multi-host URL, and the read replica of `DATABASE_REPLICA_URL` when it is set.
    func database(logger: Logger) async throws -> Database {
        let connector: DatabaseConnector
        if let url {
            connector = await DatabaseConnector(url: url, logger: logger)
        } else {
            connector = DatabaseConnector(
                fixed: PostgresClient(configuration: configuration, backgroundLogger: logger), logger: logger)
        }
        var replica: ReplicaRouter?
        if let text = ProcessInfo.processInfo.environment["DATABASE_REPLICA_URL"], !text.isEmpty {
            let url = try DatabaseURL(text, name: "DATABASE_REPLICA_URL")
            replica = ReplicaRouter(connector: await DatabaseConnector(url: url, logger: logger), logger: logger)
            logger.notice(
                "reports are served by the replica when it has caught up", metadata: ["replica": "\(url.endpoints)"])
        }
        return Database(connector: connector, logger: logger, replica: replica)
    }

    func stopOwnedCluster(logger: Logger) {
        guard let ownedCluster else { return }
        do {
            try ownedCluster.stop()
            logger.info("stopped private PostgreSQL")
        } catch {
            logger.error("could not stop private PostgreSQL", metadata: ["error": "\(error)"])
        }
    }
}
