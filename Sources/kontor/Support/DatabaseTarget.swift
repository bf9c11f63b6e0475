import Foundation
import KontorEmbedded
import KontorStore
import Logging
import PostgresNIO

/// Which PostgreSQL a command uses: `DATABASE_URL` if set, else the private cluster under
/// `.kontor/postgres`, created and started on demand.
struct DatabaseTarget {
    let configuration: PostgresClient.Configuration
    /// The private cluster, when this process started it (and so must stop it).
    let ownedCluster: EmbeddedPostgres?

    static let embeddedDatabase = "kontor"

    static func resolve(stateDirectory: String, logger: Logger) async throws -> DatabaseTarget {
        if let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty {
            return DatabaseTarget(configuration: try DatabaseURL.configuration(url), ownedCluster: nil)
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
            configuration: try cluster.configuration(database: embeddedDatabase, port: port),
            ownedCluster: startedHere ? cluster : nil
        )
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
