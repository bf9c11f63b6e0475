import Foundation

/// A stored customer: validated fields plus what Kontor keeps about it.
public struct Customer: Sendable, Equatable {
    public let id: String
    public var fields: CustomerFields
    /// Customer credit in minor units of `fields.currency` (read-only through the API).
    public let balance: Int64
    public let livemode: Bool
    public let createdAt: Date
    public let updatedAt: Date

    public init(id: String, fields: CustomerFields, balance: Int64, livemode: Bool, createdAt: Date, updatedAt: Date) {
        self.id = id
        self.fields = fields
        self.balance = balance
        self.livemode = livemode
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
