import Foundation

/// A dispute over one open item: while open, dunning leaves the item alone.
public struct Dispute: Sendable, Equatable {
    public enum Status: String, Sendable {
        case open, resolved
    }

    public let id: String
    public let invoiceID: String
    public let customerID: String
    public let reason: String
    public let status: Status
    public let resolution: String?
    public let createdAt: Date
    public let resolvedAt: Date?

    public init(
        id: String, invoiceID: String, customerID: String, reason: String, status: Status, resolution: String? = nil,
        createdAt: Date, resolvedAt: Date? = nil
    ) {
        self.id = id
        self.invoiceID = invoiceID
        self.customerID = customerID
        self.reason = reason
        self.status = status
        self.resolution = resolution
        self.createdAt = createdAt
        self.resolvedAt = resolvedAt
    }
}
