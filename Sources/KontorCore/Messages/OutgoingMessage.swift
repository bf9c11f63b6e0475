import Foundation

/// Where a message stands: queued (to be tried at `nextAttemptAt`), sending (a worker holds it
/// under a lease), sent (the server took it; a letter: posted), failed (refused for good, or out
/// of attempts), to print (a letter waiting to be printed and posted).
public enum MessageStatus: String, Sendable, Codable, CaseIterable {
    case queued
    case sending
    case sent
    case failed
    case toPrint = "to_print"
}

/// How a message reaches the customer.
public enum MessageChannel: String, Sendable, Codable, CaseIterable {
    case email
    /// The PDF, queued for print and post.
    case letter
}

/// What a message is about.
public enum MessageKind: String, Sendable, Codable, CaseIterable {
    /// An archived document: invoice, credit note, dunning notice (the PDF or XML attached).
    case document
    /// A receipt for a payment received.
    case receipt
    /// A card on file is about to expire (with a link to replace it).
    case cardExpiry = "card_expiry"
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
    /// `invoice`, `credit_note`, `dunning_notice`, `payment` or `payment_method`.
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
    public var kind: MessageKind
    public var channel: MessageChannel

    public init(
        id: String, customerID: String, sourceType: String, sourceID: String, sender: String?, recipient: String?,
        subject: String, content: Data?, status: MessageStatus, attempts: Int = 0, nextAttemptAt: Date?,
        lastError: String? = nil, createdAt: Date, sentAt: Date? = nil, kind: MessageKind = .document,
        channel: MessageChannel = .email
    ) {
        self.kind = kind
        self.channel = channel
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
