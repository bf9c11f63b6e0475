import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// What this process knows about its database right now, shared by the HTTP layer and the
/// workers: while it is down, requests answer 503 at once and workers skip their ticks instead
/// of queueing behind a connection pool that waits for a server that is not there.
public final class DatabaseHealth: Sendable {
    public enum State: Sendable, Equatable {
        case available
        case unavailable(since: ContinuousClock.Instant)
    }

    private let state = Mutex(State.available)

    public init() {}

    public var isAvailable: Bool { state.withLock { $0 == .available } }

    /// Records the outcome of a probe; returns how long the database has been down (nil: up).
    @discardableResult
    public func record(reachable: Bool, at now: ContinuousClock.Instant = .now) -> Duration? {
        state.withLock { state in
            if reachable {
                state = .available
                return nil
            }
            if case .unavailable(let since) = state { return now - since }
            state = .unavailable(since: now)
            return .zero
        }
    }
}

/// Probes the database every `interval` with a deadline, so `DatabaseHealth` tells the truth
/// within about a second of a failure and of the recovery; with a multi-host `DATABASE_URL`
/// each failed probe also has the connector look for the (new) primary. After `recoverAfter` down it calls
/// `recover` (`kontor serve` restarts its private cluster there), then again each
/// `recoverAfter` while the database stays down.
public struct DatabaseMonitor: Service {
    let database: Database
    let interval: Duration
    let recoverAfter: Duration
    let recover: (@Sendable () async -> Void)?

    public init(
        database: Database, interval: Duration = .seconds(1), recoverAfter: Duration = .seconds(3),
        recover: (@Sendable () async -> Void)? = nil
    ) {
        self.database = database
        self.interval = interval
        self.recoverAfter = recoverAfter
        self.recover = recover
    }

    public func run() async throws {
        var lastRecovery: ContinuousClock.Instant?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let generation = database.connector.generation
            let reachable = await database.ping(within: .seconds(1))
            let down = database.health.record(reachable: reachable)
            // A multi-host DATABASE_URL: the server died or was demoted; look for the primary
            // now rather than wait for a request to fail on it.
            if !reachable { await database.connector.relocate(after: generation) }
            if let down, let recover, down >= recoverAfter,
                lastRecovery.map({ ContinuousClock.now - $0 >= recoverAfter }) ?? true
            {
                database.logger.warning("database unreachable; trying to recover it", metadata: ["down": "\(down)"])
                lastRecovery = .now
                await recover()
            } else if down == .zero {
                database.logger.error("database unreachable")
            }
            // Down with another host to try (a failover under way): look again soon.
            let pause = !reachable && database.connector.canRelocate ? min(interval, .milliseconds(250)) : interval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pause) }
        }
    }
}

extension Database {
    /// Whether `SELECT 1` answers within `deadline`. A probe that does not is abandoned (its
    /// wait is cancelled, and nobody waits for it to notice): the answer is no.
    public func ping(within deadline: Duration) async -> Bool {
        let database = self
        let reachable = await firstAnswer(within: deadline, otherwise: false) { (try? await database.ping()) != nil }
        health.record(reachable: reachable)
        return reachable
    }
}
