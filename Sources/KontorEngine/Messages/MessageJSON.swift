import Foundation
import KontorCore

/// The message object (`GET /v1/customers/{id}/messages`, `message.sent`, `message.failed`):
/// an e-mail or letter to a customer, without its bytes.
public struct MessageJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "message"
    public var customer: String
    /// `document`, `receipt` or `card_expiry`.
    public var kind: String
    /// `email`, or `letter` (the PDF queued for print).
    public var channel: String
    /// `invoice`, `credit_note`, `dunning_notice`, `payment` or `payment_method`.
    public var sourceType: String
    public var source: String
    public var to: String?
    public var subject: String
    /// `queued`, `sending`, `sent`, `failed` or `to_print`.
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(_ m: OutgoingMessage) {
        id = m.id
        customer = m.customerID
        kind = m.kind.rawValue
        channel = m.channel.rawValue
        sourceType = m.sourceType
        source = m.sourceID
        to = m.recipient
        subject = m.subject
        status = m.status.rawValue
        attempts = m.attempts
        nextAttemptAt = m.nextAttemptAt
        lastError = m.lastError
        createdAt = m.createdAt
        sentAt = m.sentAt
    }
}
