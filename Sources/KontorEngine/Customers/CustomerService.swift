import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Creating, reading and changing customers. Each write is one operation (`OperationRunner`):
/// one transaction with its event.
public struct CustomerService: Sendable {
    let database: Database
    let customers: CustomerRepository
    let policies: DunningPolicyRepository
    let operations: OperationRunner

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.customers = CustomerRepository(logger: database.logger)
        self.policies = DunningPolicyRepository(logger: database.logger)
        self.operations = operations
    }

    /// Validates, stores and announces (`customer.created`) a new customer. Validation fails
    /// before anything is written.
    public func create(_ input: CustomerInput, tenant: Tenant, idempotency: Idempotency<Customer>?) async throws
        -> OperationOutcome<Customer>
    {
        let fields = try CustomerRules.create(input)
        return try await operations.run(tenant, idempotency: idempotency) { op in
            try await requirePolicy(fields.dunningPolicy, tenant: tenant, on: op.connection)
            let customer = try await customers.insert(
                fields, id: Identifier.make("cus"), tenant: tenant, now: op.now, on: op.connection
            )
            op.record(.customer(.customerCreated, CustomerJSON(customer)))
            return customer
        }
    }

    public func get(_ id: String, tenant: Tenant) async throws -> Customer {
        guard Identifier.looksValid(id, prefix: "cus"),
            let customer = try await database.withConnection({ try await customers.find(id, tenant: tenant, on: $0) })
        else { throw EngineError.notFound(resource: "customer", id: id) }
        return customer
    }

    public func list(tenant: Tenant, limit: Int, startingAfter: String?) async throws -> (
        customers: [Customer], hasMore: Bool
    ) {
        try await database.withConnection { conn in
            if let startingAfter {
                guard Identifier.looksValid(startingAfter, prefix: "cus"),
                    try await customers.exists(startingAfter, tenant: tenant, on: conn)
                else {
                    throw ValidationError(field: "starting_after", message: "is not a customer of this account")
                }
            }
            return try await customers.list(tenant: tenant, limit: limit, startingAfter: startingAfter, on: conn)
        }
    }

    /// Applies a patch under a row lock, validates the whole result, writes `customer.updated`.
    public func update(_ id: String, _ input: CustomerInput, tenant: Tenant) async throws -> Customer {
        guard Identifier.looksValid(id, prefix: "cus") else { throw EngineError.notFound(resource: "customer", id: id) }
        return try await operations.run(tenant) { op in
            guard var customer = try await customers.find(id, tenant: tenant, forUpdate: true, on: op.connection) else {
                throw EngineError.notFound(resource: "customer", id: id)
            }
            customer.fields = try CustomerRules.apply(input, to: customer.fields)
            if input.dunningPolicy != nil {
                try await requirePolicy(customer.fields.dunningPolicy, tenant: tenant, on: op.connection)
            }
            let updated = try await customers.update(customer, tenant: tenant, now: op.now, on: op.connection)
            op.record(.customer(.customerUpdated, CustomerJSON(updated)))
            return updated
        }
    }

    /// A customer's `dunning_policy` names one of the tenant's policies, never a typo that
    /// would silently fall back to the default.
    func requirePolicy(_ code: String?, tenant: Tenant, on conn: PostgresConnection) async throws {
        guard let code else { return }
        guard try await policies.exists(code, tenantID: tenant.id, on: conn)
        else {
            throw ValidationError(
                field: "dunning_policy", message: "is not a dunning policy of this account (GET /v1/dunning_policies)")
        }
    }
}
