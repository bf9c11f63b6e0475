import Foundation

/// One reported usage event.
public struct UsageEvent: Sendable, Equatable {
    public let id: String
    public let subscriptionID: String
    public let metric: String
    public let quantity: Int64
    public let occurredAt: Date
    public let recordedAt: Date

    public init(
        id: String, subscriptionID: String, metric: String, quantity: Int64, occurredAt: Date, recordedAt: Date
    ) {
        self.id = id
        self.subscriptionID = subscriptionID
        self.metric = metric
        self.quantity = quantity
        self.occurredAt = occurredAt
        self.recordedAt = recordedAt
    }
}
