import Foundation
import KontorCore
import KontorStore

/// Where services get "now". Code never calls `Date()` itself: a tenant in test mode may live
/// on a test clock that runs ahead of the wall clock.
public protocol BillingClock: Sendable {
    func now(for tenant: Tenant) async throws -> Date
}

/// The wall clock, except for a test-mode tenant whose test clock has been advanced: its
/// "now" is the frozen test clock time.
public struct SystemClock: BillingClock {
    public init() {}

    public func now(for tenant: Tenant) async throws -> Date { tenant.testClockAt ?? Date() }
}
