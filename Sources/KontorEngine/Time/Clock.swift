import Foundation
import KontorCore
import KontorStore

/// Where services get "now". Code never calls `Date()` itself: a tenant in test mode may live
/// on a test clock that runs ahead of the wall clock.
///
/// Invariant: this file is the only place that reads the system clock.
public protocol BillingClock: Sendable {
    /// "Now" for a tenant's operation.
    func now(for tenant: Tenant) async throws -> Date
    /// "Now" outside any tenant: a worker's tick, a command's run, a delivery's lease.
    func wallNow() -> Date
}

/// The wall clock, except for a test-mode tenant whose test clock has been advanced: its
/// "now" is the frozen test clock time.
public struct SystemClock: BillingClock {
    public init() {}

    public func now(for tenant: Tenant) async throws -> Date { tenant.testClockAt ?? Date() }

    public func wallNow() -> Date { Date() }
}
