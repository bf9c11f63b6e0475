import Foundation
import KontorCore
import KontorStore
import Logging

/// The one place a service path starts other work after its commit: dunning re-evaluates the
/// customers whose open items moved, collection charges what was just issued.
///
/// A follow-up that fails does not undo or fail the committed operation: its worker finds the
/// same work on its next tick (dunning daily, collection every minute), so the failure is logged.
struct FollowUpRunner: Sendable {
    let dunning: DunningRun
    let collection: CollectionRun
    let logger: Logger

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
