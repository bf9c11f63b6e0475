import Foundation

/// An event as stored in the outbox.
public struct StoredEvent: Sendable, Equatable {
    public let id: String
    public let type: String
    public let objectID: String?
    public let data: String
    public let livemode: Bool
    public let createdAt: Date

    public init(id: String, type: String, objectID: String?, data: String, livemode: Bool, createdAt: Date) {
        self.id = id
        self.type = type
        self.objectID = objectID
        self.data = data
        self.livemode = livemode
        self.createdAt = createdAt
    }
}
