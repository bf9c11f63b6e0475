import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Creating, reading and changing customers. Each write is one transaction that also writes
/// its event to the outbox.
public struct CustomerService: Sendable {
    let database: Database
    let customers: CustomerRepository
    let outbox: EventOutbox
    let idempotent: IdempotentOperation
    let clock: any BillingClock

    public init(database: Database, clock: any BillingClock) {
        self.database = database
        self.customers = CustomerRepository(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
        self.idempotent = IdempotentOperation(database: database)
        self.clock = clock
    }

    /// Validates, stores and announces (`customer.created`) a new customer. Validation fails
    /// before anything is written. Returns the 201 response (stored for the idempotency key).
    public func create(_ input: CustomerInput, tenant: Tenant, idempotency: IdempotencyRequest?) async throws
        -> (response: StoredResponse, replayed: Bool)
    {
        let fields = try CustomerRules.create(input)
        let now = try await clock.now(for: tenant)
        return try await idempotent.run(tenant: tenant, request: idempotency) { conn in
            try await requirePolicy(fields.dunningPolicy, tenant: tenant, on: conn)
            let customer = try await customers.insert(
                fields, id: Identifier.make("cus"), tenant: tenant, now: now, on: conn
            )
            let body = try KontorJSON.encode(CustomerJSON(customer))
            try await outbox.append(
                type: "customer.created", objectID: customer.id, data: body, tenant: tenant, now: now, on: conn
            )
            return StoredResponse(status: 201, body: body)
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
        let now = try await clock.now(for: tenant)
        return try await database.transaction { conn in
            guard var customer = try await customers.find(id, tenant: tenant, forUpdate: true, on: conn) else {
                throw EngineError.notFound(resource: "customer", id: id)
            }
            customer.fields = try CustomerRules.apply(input, to: customer.fields)
            if input.dunningPolicy != nil {
                try await requirePolicy(customer.fields.dunningPolicy, tenant: tenant, on: conn)
            }
            let updated = try await customers.update(customer, tenant: tenant, now: now, on: conn)
            try await outbox.append(
                type: "customer.updated", objectID: id, data: try KontorJSON.encode(CustomerJSON(updated)),
                tenant: tenant, now: now, on: conn
            )
            return updated
        }
    }

    /// A customer's `dunning_policy` names one of the tenant's policies, never a typo that
    /// would silently fall back to the default.
    func requirePolicy(_ code: String?, tenant: Tenant, on conn: PostgresConnection) async throws {
        guard let code else { return }
        guard try await DunningPolicyRepository(logger: database.logger).exists(code, tenantID: tenant.id, on: conn)
        else {
            throw ValidationError(
                field: "dunning_policy", message: "is not a dunning policy of this account (GET /v1/dunning_policies)")
        }
    }
}
