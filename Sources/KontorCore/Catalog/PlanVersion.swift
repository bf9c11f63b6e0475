import Foundation

/// One stored plan version.
public struct PlanVersion: Sendable, Equatable {
    public let plan: Plan
    public let version: Int
    public let source: String
    public let createdAt: Date

    public init(plan: Plan, version: Int, source: String, createdAt: Date) {
        self.plan = plan
        self.version = version
        self.source = source
        self.createdAt = createdAt
    }
}
