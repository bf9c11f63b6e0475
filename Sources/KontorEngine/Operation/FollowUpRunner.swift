import Foundation
import KontorCore
import KontorStore
import Logging

/// The one place a service path starts workers: after an operation's commit (dunning
/// re-evaluates the customers whose open items moved, collection charges what was just
/// issued), and for a test clock's advance (every worker's due work at each instant on the way).
///
/// A follow-up that fails does not undo or fail the committed operation: its worker finds the
/// same work on its next tick (dunning daily, collection every minute), so the failure is logged.
struct FollowUpRunner: Sendable {
    let dunning: DunningRun
    let collection: CollectionRun
    let billing: BillingRun
    let reversals: ReversalMonitor
    let overdue: OverdueMonitor
    let expiry: CardExpiryMonitor
    let archive: DocumentArchive
    let logger: Logger

    init(database: Database, dunning: DunningRun, collection: CollectionRun, archive: DocumentArchive) {
        self.archive = archive
        self.dunning = dunning
        self.collection = collection
        self.billing = BillingRun(database: database, batchSize: 1000)
        self.reversals = ReversalMonitor(database: database, dunning: dunning)
        self.overdue = OverdueMonitor(database: database)
        self.expiry = CardExpiryMonitor(database: database)
        self.logger = database.logger
    }

    /// Every worker's due work for one tenant at `at`, in the order a day runs: bill, charge,
    /// take back, notices, dunning, and the documents of what was issued. Returns the invoices
    /// issued.
    func runDueWork(at: Date, tenantID: String) async throws -> Int {
        let issued = try await billing.run(now: at, tenantID: tenantID).invoices
        try await collection.run(now: at, tenantID: tenantID)
        try await reversals.run(now: at, tenantID: tenantID)
        try await overdue.run(now: at, tenantID: tenantID)
        try await expiry.run(now: at, tenantID: tenantID)
        try await dunning.run(now: at, tenantID: tenantID)
        try await archive.run(now: at, tenantID: tenantID)
        return issued
    }

    func run(_ followUps: FollowUps, tenantID: String, now: Date) async {
        if !followUps.dunningCustomers.isEmpty {
            do {
                try await dunning.run(now: now, tenantID: tenantID, customerIDs: followUps.dunningCustomers.sorted())
            } catch {
                logger.error("dunning after commit failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
        if followUps.collect {
            do {
                _ = try await collection.run(now: now, tenantID: tenantID)
            } catch {
                logger.error("collection after commit failed", metadata: ["error": "\(String(reflecting: error))"])
            }
        }
    }
}
