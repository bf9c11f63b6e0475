import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Webhook endpoints, the event log and redelivery.
public struct WebhookService: Sendable {
    let database: Database
    let operations: OperationRunner
    let webhooks: WebhookRepository
    let events: EventRepository

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.operations = operations
        self.webhooks = WebhookRepository(logger: database.logger)
        self.events = EventRepository(logger: database.logger)
    }

    /// Creates an endpoint; the returned value carries the secret, the only time it is shown.
    public func create(url: String?, eventTypes: [String]?, description: String?, tenant: Tenant) async throws
        -> WebhookEndpoint
    {
        var errors: [FieldError] = []
        let url = url?.trimmingWhitespace() ?? ""
        if let parsed = URL(string: url), let scheme = parsed.scheme?.lowercased(), ["http", "https"].contains(scheme),
            let host = parsed.host, !host.isEmpty, url.count <= 2048
        {
            if let refusal = await WebhookTargetPolicy().refusal(url, livemode: tenant.livemode) {
                errors.append(FieldError(field: "url", message: refusal))
            }
        } else {
            errors.append(FieldError(field: "url", message: "must be an absolute http or https URL"))
        }
        let types = eventTypes ?? ["*"]
        if types.isEmpty { errors.append(FieldError(field: "enabled_events", message: "must not be empty")) }
        for (i, type) in types.enumerated() {
            if !EventType.isKnownFilter(type) {
                errors.append(FieldError(field: "enabled_events[\(i)]", message: "is not a Kontor event type"))
            }
        }
        if let description, description.count > 500 {
            errors.append(FieldError(field: "description", message: "must be at most 500 characters"))
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return try await operations.run(tenant) { op in
            let endpoint = WebhookEndpoint(
                id: Identifier.make("we"), url: url, description: description, eventTypes: types,
                secret: WebhookSignature.makeSecret(), status: .enabled, disabledReason: nil,
                livemode: tenant.livemode, createdAt: op.now
            )
            try await webhooks.insert(endpoint, tenantID: tenant.id, on: op.connection)
            return endpoint
        }
    }

    public func get(_ id: String, tenant: Tenant) async throws -> WebhookEndpoint {
        guard Identifier.looksValid(id, prefix: "we"),
            let found = try await database.withConnection({ try await webhooks.find(id, tenantID: tenant.id, on: $0) })
        else { throw EngineError.notFound(resource: "webhook_endpoint", id: id) }
        return found
    }

    public func list(tenant: Tenant) async throws -> [WebhookEndpoint] {
        try await database.withConnection { try await webhooks.list(tenantID: tenant.id, on: $0) }
    }

    public func delete(_ id: String, tenant: Tenant) async throws -> WebhookEndpoint {
        let endpoint = try await get(id, tenant: tenant)
        try await operations.run(tenant) { op in
            try await webhooks.delete(id, tenantID: tenant.id, now: op.now, on: op.connection)
        }
        return endpoint
    }

    public func event(_ id: String, tenant: Tenant) async throws -> StoredEvent {
        guard Identifier.looksValid(id, prefix: "evt"),
            let found = try await database.withConnection({ try await events.find(id, tenantID: tenant.id, on: $0) })
        else { throw EngineError.notFound(resource: "event", id: id) }
        return found
    }

    public func events(tenant: Tenant, type: String?, objectID: String?, limit: Int, startingAfter: String?)
        async throws -> (events: [StoredEvent], hasMore: Bool)
    {
        if let startingAfter, !Identifier.looksValid(startingAfter, prefix: "evt") {
            throw ValidationError(field: "starting_after", message: "is not an event id")
        }
        return try await database.withConnection { conn in
            try await events.list(
                tenantID: tenant.id, type: type, objectID: objectID, limit: limit, startingAfter: startingAfter,
                on: conn
            )
        }
    }

    public func deliveries(eventID: String, tenant: Tenant) async throws -> [DeliveryRecord] {
        _ = try await event(eventID, tenant: tenant)
        return try await database.withConnection {
            try await webhooks.deliveries(eventID: eventID, tenantID: tenant.id, on: $0)
        }
    }

    /// Queues the event again: to `endpointID`, or to every enabled endpoint that wants it.
    public func redeliver(eventID: String, endpointID: String?, tenant: Tenant) async throws -> Int {
        _ = try await event(eventID, tenant: tenant)
        if let endpointID {
            let endpoint = try? await get(endpointID, tenant: tenant)
            guard let endpoint, endpoint.status == .enabled else {
                throw ValidationError(field: "endpoint", message: "is not an enabled webhook endpoint of this account")
            }
        }
        // Deliveries run on the wall clock (a tenant's test clock may stand years ahead): due now.
        let due = operations.clock.wallNow()
        return try await operations.run(tenant) { op in
            try await webhooks.redeliver(
                eventID: eventID, endpointID: endpointID, tenantID: tenant.id, now: due, on: op.connection)
        }
    }
}
