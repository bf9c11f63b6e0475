import PostgresNIO
import Synchronization

/// The connections of one client generation that work holds right now.
///
/// When the connector switches servers, work still running on the old server is stuck if that
/// server stopped answering without closing its sockets (a partitioned or frozen machine, a
/// backend orphaned by its dying postmaster): its queries would wait for TCP to give up, many
/// minutes later. Retiring a generation closes every connection still held here, so that work
/// fails at once — before COMMIT it is run again on the new primary, at COMMIT it reports an
/// unknown outcome (`Database.transaction`).
///
/// Invariant: a connection is in the set exactly while a `holding` body runs on it.
final class LeasedConnections: Sendable {
    private let held = Mutex<[ObjectIdentifier: PostgresConnection]>([:])

    nonisolated(nonsending) func holding<Result>(
        _ connection: PostgresConnection, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let id = ObjectIdentifier(connection)
        held.withLock { $0[id] = connection }
        defer { _ = held.withLock { $0.removeValue(forKey: id) } }
        return try await body(connection)
    }

    var count: Int { held.withLock { $0.count } }

    /// Closes every connection held now; their work fails with a closed connection.
    func closeAll() async {
        let connections = held.withLock { Array($0.values) }
        for connection in connections { try? await connection.close() }
    }
}
