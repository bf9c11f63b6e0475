import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// Finds the server of a multi-host `DATABASE_URL` that suits its `target_session_attrs`, as
/// libpq does: each host in the order given, a fresh connection with a short deadline, one
/// query for the server's role. The first acceptable server wins; none is `nil`.
public struct HostLocator: Sendable {
    let url: DatabaseURL
    let logger: Logger
    /// How long one host may take to accept and answer (a dead host on a live machine refuses
    /// at once; an unreachable machine takes this long).
    let deadline: TimeAmount

    public init(url: DatabaseURL, logger: Logger, deadline: TimeAmount = .seconds(2)) {
        self.url = url
        self.logger = logger
        self.deadline = deadline
    }

    /// The index in `url.endpoints` of the server to use now.
    public func locate() async -> Int? {
        var roles: [Int: TargetSessionAttributes.ServerRole] = [:]
        for (index, endpoint) in url.endpoints.enumerated() {
            guard let role = await role(of: endpoint) else { continue }
            if url.targetSessionAttributes.accepts(role) { return index }
            roles[index] = role
        }
        // prefer-standby: no standby answered, so any server that did.
        if url.targetSessionAttributes == .preferStandby { return roles.keys.min() }
        return nil
    }

    /// What the server at `endpoint` is, or `nil` when it does not answer within `deadline` —
    /// connecting and asking together: a server in the middle of a promotion or a shutdown may
    /// accept a connection and then never answer, and one such host must not hold up the search.
    public func role(of endpoint: DatabaseURL.Endpoint) async -> TargetSessionAttributes.ServerRole? {
        let seconds = deadline.nanoseconds
        return await firstAnswer(within: .nanoseconds(seconds), otherwise: nil) { await probe(endpoint) }
    }

    private func probe(_ endpoint: DatabaseURL.Endpoint) async -> TargetSessionAttributes.ServerRole? {
        var configuration = PostgresConnection.Configuration(
            host: endpoint.host, port: endpoint.port, username: url.username, password: url.password,
            database: url.database, tls: .disable)
        configuration.options.connectTimeout = deadline
        do {
            let connection = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 0, logger: logger
            ).get()
            // Closed when done — or at the deadline, which also ends a query that hangs.
            let seconds = deadline.nanoseconds
            let closer = Task {
                try? await Task.sleep(for: .nanoseconds(seconds))
                try? await connection.close()
            }
            defer {
                closer.cancel()
                Task { try? await connection.close() }
            }
            let rows = try await connection.query(
                "SELECT current_setting('transaction_read_only') = 'on', pg_is_in_recovery()", logger: logger)
            var role: TargetSessionAttributes.ServerRole?
            for try await (readOnly, inRecovery) in rows.decode((Bool, Bool).self) {
                role = TargetSessionAttributes.ServerRole(readOnly: readOnly, inRecovery: inRecovery)
            }
            return role
        } catch {
            logger.debug("database host did not answer", metadata: ["host": "\(endpoint)", "error": "\(error)"])
            return nil
        }
    }
}
