/// A merchant using Kontor. All of its data carries its `id` as `tenant_id`.
public struct Tenant: Sendable, Equatable {
    public let id: String
    public let name: String
    /// Live mode bills real customers; test mode allows the test clock.
    public let livemode: Bool
    /// IANA time zone for calendar rules (month ends, due dates).
    public let timeZone: String

    public init(id: String, name: String, livemode: Bool, timeZone: String) {
        self.id = id
        self.name = name
        self.livemode = livemode
        self.timeZone = timeZone
    }
}
