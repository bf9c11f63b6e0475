import Foundation

public struct WebhookEndpoint: Sendable, Equatable {
    public var id: String
    public var url: String
    public var description: String?
    public var eventTypes: [String]
    public var secret: String
    public var status: WebhookEndpointStatus
    public var disabledReason: String?
    public var livemode: Bool
    public var createdAt: Date

    public init(
        id: String, url: String, description: String?, eventTypes: [String], secret: String,
        status: WebhookEndpointStatus,
        disabledReason: String?, livemode: Bool, createdAt: Date
    ) {
        self.id = id
        self.url = url
        self.description = description
        self.eventTypes = eventTypes
        self.secret = secret
        self.status = status
        self.disabledReason = disabledReason
        self.livemode = livemode
        self.createdAt = createdAt
    }
}

/// One attempt's outcome, for the delivery log.
public struct DeliveryAttempt: Sendable, Equatable {
    public let attempt: Int
    public let attemptedAt: Date
    public let statusCode: Int?
    public let latencyMilliseconds: Int
    public let error: String?
    public let responseExcerpt: String?

    public init(
        attempt: Int, attemptedAt: Date, statusCode: Int?, latencyMilliseconds: Int, error: String?,
        responseExcerpt: String?
    ) {
        self.attempt = attempt
        self.attemptedAt = attemptedAt
        self.statusCode = statusCode
        self.latencyMilliseconds = latencyMilliseconds
        self.error = error
        self.responseExcerpt = responseExcerpt
    }
}

public struct DeliveryRecord: Sendable, Equatable {
    public let id: String
    public let endpointID: String
    public let status: DeliveryStatus
    public let attempts: [DeliveryAttempt]
    public let nextAttemptAt: Date?
    public let deliveredAt: Date?

    public init(
        id: String, endpointID: String, status: DeliveryStatus, attempts: [DeliveryAttempt], nextAttemptAt: Date?,
        deliveredAt: Date?
    ) {
        self.id = id
        self.endpointID = endpointID
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.deliveredAt = deliveredAt
    }
}
