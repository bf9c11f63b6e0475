import Foundation
import KontorCore

/// The message object (`GET /v1/customers/{id}/messages`, `message.sent`, `message.failed`):
/// an e-mail to a customer about a document, without its bytes.
public struct MessageJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "message"
    public var customer: String
    /// `invoice`, `credit_note` or `dunning_notice`.
    public var sourceType: String
    public var source: String
    public var to: String?
    public var subject: String
    /// `queued`, `sent` or `failed`.
    public var status: String
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var lastError: String?
    public var createdAt: Date
    public var sentAt: Date?

    public init(_ m: OutgoingMessage) {
        id = m.id
        customer = m.customerID
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
