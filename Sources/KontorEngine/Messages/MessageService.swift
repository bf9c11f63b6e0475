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
}
