import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Which PostgreSQL server the process talks to, and the pooled client for it.
///
/// With a one-host URL (or a client handed in) this is just that client. With a multi-host
/// URL it is the server `HostLocator` chose, and `relocate(after:)` chooses again when the
/// server died or was demoted (a failover): a new client for the new server becomes current,
/// and the old one is shut down after a grace period for the work still on it — closing the
/// connections that work still holds, since a server that stopped answering would otherwise
/// keep it waiting (`LeasedConnections`).
///
/// Invariants: `client` is always a client whose `run()` is running (or about to start: a
/// request waits for it); a generation number grows with each switch, so a failure seen on an
/// old client never switches twice; at most one relocation runs at a time.
public final class DatabaseConnector: Service, Sendable {
    struct Generation: Sendable {
        let number: Int
        let client: PostgresClient
        let endpoint: Int?
        /// What work holds of this client now: closed when the generation is retired.
        let leases = LeasedConnections()
        /// Finishes when this generation is retired: its client's `run()` is then cancelled.
        let retired: AsyncStream<Void>
        let retire: AsyncStream<Void>.Continuation
    }

    struct State: Sendable {
        var current: Generation
        var relocation: Task<Void, Never>?
    }

    let url: DatabaseURL?
    let logger: Logger
    let state: Mutex<State>
    let started: AsyncStream<Generation>
    let start: AsyncStream<Generation>.Continuation
    /// How long a replaced client keeps running for work already on it.
    let grace: Duration
    /// Whether `run()` runs the clients (else whoever handed in the fixed client does).
    let ownsClients: Bool

    /// A connector for a client somebody else runs (tests, one-shot tools): it never switches,
    /// and `service` is that client.
    public init(fixed client: PostgresClient, logger: Logger) {
        self.url = nil
        self.logger = logger
        self.grace = .zero
        self.ownsClients = false
        (started, start) = AsyncStream.makeStream()
        state = Mutex(State(current: Self.generation(0, client, endpoint: nil), relocation: nil))
    }

    /// A connector that runs its own clients, for the server `HostLocator` finds in `url` (the
    /// first host when none answers yet: the client keeps trying, and the monitor relocates).
    public init(url: DatabaseURL, logger: Logger, grace: Duration = .seconds(2)) async {
        self.url = url
        self.logger = logger
        self.grace = grace
        self.ownsClients = true
        (started, start) = AsyncStream.makeStream()
        let index = await HostLocator(url: url, logger: logger).locate() ?? 0
        let first = Self.generation(
            0, Self.client(url, index, logger), endpoint: url.endpoints.count > 1 ? index : nil)
        state = Mutex(State(current: first, relocation: nil))
        start.yield(first)
        if url.endpoints.count > 1 {
            logger.notice("database server chosen", metadata: ["host": "\(url.endpoints[index])"])
        }
    }

    static func client(_ url: DatabaseURL, _ index: Int, _ logger: Logger) -> PostgresClient {
        PostgresClient(configuration: url.configuration(for: url.endpoints[index]), backgroundLogger: logger)
    }

    static func generation(_ number: Int, _ client: PostgresClient, endpoint: Int?) -> Generation {
        let (retired, retire) = AsyncStream<Void>.makeStream()
        return Generation(number: number, client: client, endpoint: endpoint, retired: retired, retire: retire)
    }

    public var client: PostgresClient { state.withLock { $0.current.client } }

    /// A transaction on the current client, its connection held where retiring finds it.
    func withTransaction<Result: Sendable>(
        logger: Logger, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let current = state.withLock { $0.current }
        // Held from BEGIN to the end of COMMIT or ROLLBACK: a COMMIT the old server never
        // answers is stuck work too.
        return try await current.client.withConnection { connection in
            try await current.leases.holding(connection) { connection in
                try await TransactionScope.run(on: connection, logger: logger, body)
            }
        }
    }

    /// A connection of the current client, held where retiring finds it.
    func withConnection<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let current = state.withLock { $0.current }
        return try await current.client.withConnection { connection in
            try await current.leases.holding(connection, body)
        }
    }
    /// What an application runs for this connector: the connector itself, or the fixed client.
    public var service: any Service { ownsClients ? self : client }
    /// The current generation: pass it to `relocate(after:)` when its client failed.
    public var generation: Int { state.withLock { $0.current.number } }
    /// Whether a failure may be mended by choosing another server.
    public var canRelocate: Bool { (url?.endpoints.count ?? 0) > 1 }
    /// Whether the chosen server must accept writes (a read-only answer then means a failover).
    public var needsWrites: Bool { url?.targetSessionAttributes.needsWrites ?? false }

    /// Runs every client this connector makes until it is retired or the service stops.
    public func run() async {
        await withDiscardingTaskGroup { group in
            for await generation in started {
                group.addTask {
                    await withDiscardingTaskGroup { own in
                        own.addTask { await generation.client.run() }
                        for await _ in generation.retired {}
                        own.cancelAll()
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// Chooses the server again because the client of `generation` failed. Returns once the
    /// choice is made (by this call or one already running); a failure on a generation that
    /// was already replaced does nothing.
    public func relocate(after generation: Int) async {
        guard canRelocate else { return }
        let task: Task<Void, Never>? = state.withLock { state in
            if let running = state.relocation { return running }
            guard state.current.number == generation else { return nil }
            let task = Task { await self.switchToLocatedServer() }
            state.relocation = task
            return task
        }
        await task?.value
    }

    private func switchToLocatedServer() async {
        guard let url else { return }
        let found = await HostLocator(url: url, logger: logger).locate()
        let retiring: Generation? = state.withLock { state in
            defer { state.relocation = nil }
            guard let found, found != state.current.endpoint else { return nil }
            let old = state.current
            let next = Self.generation(old.number + 1, Self.client(url, found, logger), endpoint: found)
            start.yield(next)
            state.current = next
            return old
        }
        guard let retiring else { return }
        logger.warning(
            "database server switched (failover)",
            metadata: ["from": "\(url.endpoints[retiring.endpoint ?? 0])", "to": "\(url.endpoints[found ?? 0])"])
        let grace = grace
        Task {
            try? await Task.sleep(for: grace)
            // Work still on the old server now is stuck there: end it (it fails, and is run
            // again on the new primary where that is safe), then stop the old client.
            if retiring.leases.count > 0 {
                logger.warning(
                    "closing connections still held on the replaced server",
                    metadata: ["count": "\(retiring.leases.count)"])
            }
            await retiring.leases.closeAll()
            retiring.retire.finish()
        }
    }
}
