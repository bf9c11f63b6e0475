import Foundation
import KontorCore
import KontorStore

/// The portal link object of the API: the URL a debtor opens.
public struct PortalLinkJSON: Codable, Sendable, Equatable {
    public var object = "portal_link"
    public var customer: String
    public var url: String
    public var createdAt: Date
}

/// Finance's side of portal links: read (made when first asked for), rotate (the old link stops
/// working), revoke.
public struct PortalLinkService: Sendable {
    let operations: OperationRunner
    let links: PortalLinkRepository
    let customers: CustomerRepository
    public let baseURL: String

    init(database: Database, operations: OperationRunner, baseURL: String) {
        self.operations = operations
        self.links = PortalLinkRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
        self.baseURL = baseURL
    }

    /// The portal URL for a token.
    public static func url(base: String, token: String) -> String {
        (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/portal/" + token
    }

    public func get(customerID: String, tenant: Tenant) async throws -> PortalLinkJSON {
        try await operations.run(tenant) { op in
            try await requireCustomer(customerID, op)
            _ = try await links.ensure(customerIDs: [customerID], tenantID: tenant.id, now: op.now, on: op.connection)
            return try await current(customerID, op)
        }
    }

    public func rotate(customerID: String, tenant: Tenant) async throws -> PortalLinkJSON {
        try await operations.run(tenant) { op in
            try await requireCustomer(customerID, op)
            try await links.revoke(customerID: customerID, tenantID: tenant.id, now: op.now, on: op.connection)
            _ = try await links.ensure(customerIDs: [customerID], tenantID: tenant.id, now: op.now, on: op.connection)
            return try await current(customerID, op)
        }
    }

    public func revoke(customerID: String, tenant: Tenant) async throws {
        try await operations.run(tenant) { op in
            try await requireCustomer(customerID, op)
            guard try await links.revoke(customerID: customerID, tenantID: tenant.id, now: op.now, on: op.connection)
            else { throw EngineError.notFound(resource: "portal link of customer", id: customerID) }
        }
    }

    func current(_ customerID: String, _ op: OperationContext) async throws -> PortalLinkJSON {
        let link = try await links.current(customerID: customerID, tenantID: op.tenant.id, on: op.connection)!
        return PortalLinkJSON(
            customer: customerID, url: Self.url(base: baseURL, token: link.token), createdAt: link.createdAt)
    }

    func requireCustomer(_ id: String, _ op: OperationContext) async throws {
        guard Identifier.looksValid(id, prefix: "cus"),
            try await customers.exists(id, tenant: op.tenant, on: op.connection)
        else { throw EngineError.notFound(resource: "customer", id: id) }
    }
}
