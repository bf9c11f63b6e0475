import Foundation
import KontorStore
import Logging
import ServiceLifecycle

/// Runs a piece of due work on an interval under swift-service-lifecycle, until graceful
/// shutdown. Errors are logged and the work retried on the next tick; any number of nodes may
/// run the same work, because the work itself claims rows with `SKIP LOCKED` or records what
/// it did under a unique key.
public struct RecurringWork: Service {
    let name: String
    let interval: Duration
    let logger: Logger
    /// The wall clock (tenants on a test clock are served by their own advances).
    let now: @Sendable () -> Date
    let work: @Sendable (Date) async throws -> Int
    /// Opened once the schema is migrated; the first tick waits for it.
    var gate: StartGate?
    /// While the database is known to be down, ticks are skipped (and resume by themselves).
    var health: DatabaseHealth?

    public init(
        name: String, interval: Duration, logger: Logger,
        now: @escaping @Sendable () -> Date = { SystemClock().wallNow() },
        work: @escaping @Sendable (Date) async throws -> Int
    ) {
        self.name = name
        self.interval = interval
        self.logger = logger
        self.now = now
        self.work = work
    }

    /// The same work, paused while `health` says the database is down.
    public func watching(_ health: DatabaseHealth) -> RecurringWork {
        var copy = self
        copy.health = health
        return copy
    }

    /// The same work, started only once `gate` opens.
    public func gated(by gate: StartGate) -> RecurringWork {
        var copy = self
        copy.gate = gate
        return copy
    }

    public func run() async throws {
        await gate?.wait()
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if let health, !health.isAvailable {
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(500)) }
                continue
            }
            do {
                let done = try await work(now())
                if done > 0 { logger.info("\(name) did work", metadata: ["count": "\(done)"]) }
            } catch {
                logger.error("\(name) failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}

extension RecurringWork {
    /// The billing run every `interval`.
    public static func billing(_ run: BillingRun, database: Database, interval: Duration) -> RecurringWork {
        RecurringWork(name: "billing run", interval: interval, logger: database.logger) { now in
            try await run.run(now: now).invoices
        }
    }

    /// The card-expiry monitor every `interval`.
    public static func cardExpiry(_ monitor: CardExpiryMonitor, database: Database, interval: Duration)
        -> RecurringWork
    {
        RecurringWork(name: "card-expiry monitor", interval: interval, logger: database.logger) { now in
            try await monitor.run(now: now)
        }
    }

    /// The document worker every `interval`: archives what was issued since.
    public static func documents(_ archive: DocumentArchive, database: Database, interval: Duration) -> RecurringWork {
        RecurringWork(name: "document archive", interval: interval, logger: database.logger) { now in
            try await archive.run(now: now)
        }
    }

    /// The mail worker every `interval`: messages for what was archived, and what is due.
    public static func mail(_ worker: MailWorker, database: Database, interval: Duration) -> RecurringWork {
        RecurringWork(name: "mail worker", interval: interval, logger: database.logger) { now in
            let done = try await worker.run(now: now)
            return done.made + done.attempted
        }
    }

    /// The webhook dispatcher every `interval`.
    public static func webhooks(database: Database, interval: Duration) -> RecurringWork {
        let dispatcher = WebhookDispatcher(database: database)
        return RecurringWork(name: "webhook dispatcher", interval: interval, logger: database.logger) { _ in
            try await dispatcher.run()
        }
    }

    /// Collection of automatic charges (through `run`'s gateways), the reversals the gateways
    /// announced, and the overdue monitor every `interval`.
    public static func collection(
        _ run: CollectionRun, reversals: ReversalMonitor, overdue: OverdueMonitor, database: Database,
        interval: Duration
    ) -> RecurringWork {
        RecurringWork(name: "collection", interval: interval, logger: database.logger) { now in
            try await run.run(now: now) + reversals.run(now: now) + overdue.run(now: now)
        }
    }
}

extension RecurringWork {
    /// The dunning run every `interval`: each customer's case is evaluated once per tenant day,
    /// so waking often only costs the claim query.
    public static func dunning(_ run: DunningRun, database: Database, interval: Duration) -> RecurringWork {
        return RecurringWork(name: "dunning", interval: interval, logger: database.logger) { now in
            try await run.run(now: now).notices
        }
    }
}

/// A latch that opens once: services that need the database schema wait on it while the
/// server's startup migrates.
public actor StartGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    public init() {}

    public func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    public func wait() async {
        guard !isOpen else { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
