import Foundation
import KontorCore
import KontorStore

/// The message log as the API shows it.
public struct MessageService: Sendable {
    let operations: OperationRunner
    let messages: MessageRepository
    let customers: CustomerRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.messages = MessageRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
    }

    /// The customer's messages, newest first (at most 100).
    public func list(customerID: String, tenant: Tenant) async throws -> [MessageJSON] {
        try await operations.read(tenant) { op in
            guard try await customers.exists(customerID, tenant: tenant, on: op.connection) else {
                throw EngineError.notFound(resource: "customer", id: customerID)
            }
            return try await messages.list(customerID: customerID, tenantID: tenant.id, limit: 100, on: op.connection)
                .map(MessageJSON.init)
        }
    }

    /// `GET /v1/messages`: the tenant's messages, newest first, by channel, status and customer
    /// (the print queue is `?channel=letter&status=to_print`).
    public func list(
        channel: String?, status: String?, customerID: String?, limit: Int, startingAfter: String?, tenant: Tenant
    ) async throws -> (messages: [MessageJSON], hasMore: Bool) {
        let filter = try ListFilters<MessageStatus>(customer: customerID, status: status)
        let medium = channel.flatMap(MessageChannel.init(rawValue:))
        if channel != nil, medium == nil {
            throw ValidationError(field: "channel", message: "must be email or letter")
        }
        return try await operations.read(tenant) { op in
            try await messages.list(
                customerID: filter.customerID, channel: medium, status: filter.state, limit: limit + 1,
                startingAfter: startingAfter, tenantID: tenant.id, on: op.connection)
        }.map(MessageJSON.init).page(limit)
    }

    /// A letter printed and posted: `to_print` becomes `sent`.
    public func markPosted(_ id: String, tenant: Tenant) async throws -> MessageJSON {
        try await operations.run(tenant) { op in
            guard Identifier.looksValid(id, prefix: "msg"),
                var m = try await messages.markPosted(id, tenantID: tenant.id, now: op.now, on: op.connection)
            else { throw EngineError.notFound(resource: "letter to print", id: id) }
            m.content = nil
            let json = MessageJSON(m)
            op.record(.message(.messageSent, json))
            return json
        }
    }
}
