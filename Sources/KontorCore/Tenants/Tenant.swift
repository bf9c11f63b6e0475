import Foundation

/// A merchant using Kontor. All of its data carries its `id` as `tenant_id`.
public struct Tenant: Sendable, Equatable {
    public let id: String
    public let name: String
    /// Live mode bills real customers; test mode allows the test clock.
    public let livemode: Bool
    /// IANA time zone for calendar rules (month ends, due dates).
    public let timeZone: String
    /// Test mode only: the tenant's frozen "now" once its test clock has been advanced.
    public let testClockAt: Date?

    public init(id: String, name: String, livemode: Bool, timeZone: String, testClockAt: Date? = nil) {
        self.testClockAt = testClockAt
        self.id = id
        self.name = name
        self.livemode = livemode
        self.timeZone = timeZone
    }
}
