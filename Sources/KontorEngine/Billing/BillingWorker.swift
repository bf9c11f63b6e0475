import Foundation
import KontorStore
import Logging
import ServiceLifecycle

/// Runs the billing run on an interval under swift-service-lifecycle. Any number of nodes may
/// run it side by side: claims use `FOR UPDATE SKIP LOCKED`, so none bills a period twice.
public struct BillingWorker: Service {
    let run: BillingRun
    let interval: Duration
    let logger: Logger
    /// The wall clock (tenants on a test clock are billed by their own advances).
    let now: @Sendable () -> Date

    public init(
        database: Database, interval: Duration = .seconds(10), batchSize: Int = 1000,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.run = BillingRun(database: database, batchSize: batchSize)
        self.interval = interval
        self.logger = database.logger
        self.now = now
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                let summary = try await run.run(now: now())
                if summary.invoices > 0 {
                    logger.info(
                        "billing run issued invoices",
                        metadata: ["invoices": "\(summary.invoices)", "subscriptions": "\(summary.subscriptions)"]
                    )
                }
            } catch {
                logger.error("billing run failed; will retry", metadata: ["error": "\(String(reflecting: error))"])
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
    }
}
