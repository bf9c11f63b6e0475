import Foundation

/// Where a message stands: queued (to be tried at `nextAttemptAt`), sent (the server took it),
/// failed (refused for good, or out of attempts).
public enum MessageStatus: String, Sendable, Codable, CaseIterable {
    case queued
    case sent
    case failed
}

/// When a message the server refused for now is tried again: 1, 5, 15, 60 minutes, then every
/// 4 hours; after `maxAttempts` it has failed.
public enum MessageRetry {
    public static let maxAttempts = 8

    /// The delay after the `attempt`-th failed attempt (1-based), or nil when it was the last.
    public static func delay(afterAttempt attempt: Int) -> TimeInterval? {
        guard attempt < maxAttempts else { return nil }
        let minutes = [1, 5, 15, 60]
        return TimeInterval(attempt <= minutes.count ? minutes[attempt - 1] * 60 : 4 * 3600)
    }
}

/// An e-mail to a customer about a document, as the message log keeps it: the rendered bytes
/// (sent as they are on every attempt, so a retry is the same message with the same
/// Message-ID), to whom, and where it stands.
public struct OutgoingMessage: Sendable, Equatable {
    public var id: String
    public var customerID: String
    /// `invoice`, `credit_note` or `dunning_notice`.
    public var sourceType: String
    public var sourceID: String
    public var sender: String?
    public var recipient: String?
    public var subject: String
    public var content: Data?
    public var status: MessageStatus
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(
        id: String, customerID: String, sourceType: String, sourceID: String, sender: String?, recipient: String?,
        subject: String, content: Data?, status: MessageStatus, attempts: Int = 0, nextAttemptAt: Date?,
        lastError: String? = nil, createdAt: Date, sentAt: Date? = nil
    ) {
        self.id = id
        self.customerID = customerID
        self.sourceType = sourceType
        self.sourceID = sourceID
        self.sender = sender
        self.recipient = recipient
        self.subject = subject
        self.content = content
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
        self.sentAt = sentAt
    }
}
