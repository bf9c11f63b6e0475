import Foundation
import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/webhook_endpoints` and `/v1/events`.
struct WebhookRoutes {
    let service: WebhookService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.post("webhook_endpoints", use: create)
        group.get("webhook_endpoints", use: list)
        group.get("webhook_endpoints/{id}", use: get)
        group.delete("webhook_endpoints/{id}", use: delete)
        group.get("events", use: events)
        group.get("events/{id}", use: event)
        group.get("events/{id}/deliveries", use: deliveries)
        group.post("events/{id}/redeliver", use: redeliver)
    }

    struct EndpointJSON: Encodable {
        let id: String
        let object = "webhook_endpoint"
        let url: String
        let description: String?
        let enabledEvents: [String]
        let status: String
        let disabledReason: String?
        /// Only in the answer to the creation.
        let secret: String?
        let livemode: Bool
        let createdAt: Date

        init(_ e: WebhookEndpoint, showSecret: Bool = false) {
            id = e.id
            url = e.url
            description = e.description
            enabledEvents = e.eventTypes
            status = e.status.rawValue
            disabledReason = e.disabledReason
            secret = showSecret ? e.secret : nil
            livemode = e.livemode
            createdAt = e.createdAt
        }
    }

    @Sendable func create(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let url = reader.requiredString("url")
        let description = reader.requiredString("description")
        let events = reader.strings("enabled_events")
        try reader.finish()
        let endpoint = try await service.create(url: url, eventTypes: events, description: description, tenant: tenant)
        return try .json(EndpointJSON(endpoint, showSecret: true), status: .created)
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        _ = try ListQuery(request)
        let all = try await service.list(tenant: try context.requireTenant())
        return try .json(ListPage(data: all.map { EndpointJSON($0) }, hasMore: false))
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            EndpointJSON(
                try await service.get(try context.parameters.require("id"), tenant: try context.requireTenant())))
    }

    @Sendable func delete(_ request: Request, context: KontorRequestContext) async throws -> Response {
        var deleted = try await service.delete(
            try context.parameters.require("id"), tenant: try context.requireTenant())
        deleted.status = .deleted
        return try .json(EndpointJSON(deleted))
    }

    /// `{"id", "object", "type", "created_at", "livemode", "data"}`, `data` spliced in as stored.
    static func eventJSON(_ e: StoredEvent, tenant: String) -> String {
        let created = RFC3339.string(e.createdAt)
        return
            #"{"created_at":"\#(created)","data":\#(e.data),"id":"\#(e.id)","livemode":\#(e.livemode),"object":"event","tenant":"\#(tenant)","type":"\#(e.type)"}"#
    }

    @Sendable func events(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let query = try ListQuery(request, filters: ["type", "object"])
        let (found, hasMore) = try await service.events(
            tenant: tenant, type: query.filters["type"], objectID: query.filters["object"], limit: query.limit,
            startingAfter: query.startingAfter
        )
        let body =
            #"{"data":[\#(found.map { Self.eventJSON($0, tenant: tenant.id) }.joined(separator: ","))],"has_more":\#(hasMore),"object":"list"}"#
        return .json(Data(body.utf8))
    }

    @Sendable func event(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let found = try await service.event(try context.parameters.require("id"), tenant: tenant)
        return .json(Data(Self.eventJSON(found, tenant: tenant.id).utf8))
    }

    struct DeliveryJSON: Encodable {
        struct Attempt: Encodable {
            let attempt: Int
            let attemptedAt: Date
            let statusCode: Int?
            let latencyMs: Int
            let error: String?
            let responseExcerpt: String?
        }

        let id: String
        let object = "webhook_delivery"
        let endpoint: String
        let status: String
        let nextAttemptAt: Date?
        let deliveredAt: Date?
        let attempts: [Attempt]
    }

    @Sendable func deliveries(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let records = try await service.deliveries(
            eventID: try context.parameters.require("id"), tenant: try context.requireTenant()
        )
        return try .json(
            ListPage(
                data: records.map { r in
                    DeliveryJSON(
                        id: r.id, endpoint: r.endpointID, status: r.status.rawValue, nextAttemptAt: r.nextAttemptAt,
                        deliveredAt: r.deliveredAt,
                        attempts: r.attempts.map {
                            DeliveryJSON.Attempt(
                                attempt: $0.attempt, attemptedAt: $0.attemptedAt, statusCode: $0.statusCode,
                                latencyMs: $0.latencyMilliseconds, error: $0.error, responseExcerpt: $0.responseExcerpt
                            )
                        }
                    )
                },
                hasMore: false
            )
        )
    }

    struct RedeliverJSON: Encodable {
        let object = "redelivery"
        let event: String
        let deliveries: Int
    }

    @Sendable func redeliver(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try context.parameters.require("id")
        var request = request
        var (reader, _) = try await RequestBody.optionalObject(&request, context: context)
        let endpoint = reader.requiredString("endpoint")
        try reader.finish()
        let count = try await service.redeliver(eventID: id, endpointID: endpoint, tenant: tenant)
        return try .json(RedeliverJSON(event: id, deliveries: count), status: .accepted)
    }
}
