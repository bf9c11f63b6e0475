import Foundation
import KontorCore

/// What an operation leaves for after its commit: work that must see the committed state and
/// may talk to the network, so it cannot run inside the transaction.
///
/// Rule: an operation that moves a customer's open items (a payment, a return, a credit, a
/// write-off) names the customer here, and dunning looks at that customer again before the
/// answer goes out — a new money path cannot leave dunning stale by forgetting a call.
public struct FollowUps: Sendable, Equatable {
    /// Customers whose open items moved: dunning re-evaluates them.
    public internal(set) var dunningCustomers: Set<String> = []
    /// Invoices were issued that may be charged automatically: collection runs for the tenant.
    public internal(set) var collect = false

    public init() {}

    public var isEmpty: Bool { dunningCustomers.isEmpty && !collect }
}
