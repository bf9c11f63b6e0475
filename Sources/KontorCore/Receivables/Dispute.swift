import Foundation

/// A dispute over one open item: while open, dunning leaves the item alone.
public struct Dispute: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case open, resolved
    }

    /// Who opened it: a client of the API, or the debtor in the portal.
    public enum Source: String, Sendable {
        case api, portal
    }

    public let id: String
    public let invoiceID: String
    public let customerID: String
    public let reason: String
    public let status: Status
    public let resolution: String?
    public let createdAt: Date
    public let resolvedAt: Date?
    public let source: Source

    public init(
        id: String, invoiceID: String, customerID: String, reason: String, status: Status, resolution: String? = nil,
        createdAt: Date, resolvedAt: Date? = nil, source: Source = .api
    ) {
        self.source = source
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
