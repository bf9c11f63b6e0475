import Foundation
import Hummingbird
import KontorCore
import KontorEngine

/// `POST /v1/usage`: 201 for a new event, 200 with the stored one for a repeated `id`.
/// `POST /v1/usage/batch {"events": [...]}`: up to 1,000 at once, all or nothing (422 naming
/// `events[i].field` for every problem); 201 when any is new, 200 when all were known.
struct UsageRoutes {
    let service: UsageService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.post("usage", use: record)
        group.post("usage/batch", use: recordBatch)
    }

    struct BatchJSON: Encodable {
        let object = "list"
        let data: [UsageJSON]
        let hasMore = false
        /// How many events were new (the rest were known by their id).
        let created: Int
    }

    struct UsageJSON: Encodable {
        let id: String
        let object = "usage"
        let subscription: String
        let metric: String
        let quantity: Int64
        let timestamp: Date
        let recordedAt: Date
        /// Only in a batch's answer: whether this event was new.
        var created: Bool?

        init(_ event: UsageEvent, created: Bool? = nil) {
            id = event.id
            subscription = event.subscriptionID
            metric = event.metric
            quantity = event.quantity
            timestamp = event.occurredAt
            recordedAt = event.recordedAt
            self.created = created
        }
    }

    static func input(_ reader: inout ObjectReader) -> UsageInput {
        var input = UsageInput()
        input.id = reader.requiredString("id")
        input.subscription = reader.requiredString("subscription")
        input.metric = reader.requiredString("metric")
        input.quantity = reader.integer("quantity")
        input.timestamp = reader.instant("timestamp")
        return input
    }

    @Sendable func recordBatch(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        var inputs: [UsageInput] = []
        let count = reader.objects("events") { inputs.append(Self.input(&$0)) }
        try reader.finish()
        guard count != nil else { throw ValidationError(field: "events", message: "is required: a list of events") }
        let recorded = try await service.recordBatch(inputs, tenant: tenant)
        let created = recorded.filter(\.created).count
        return try .json(
            BatchJSON(data: recorded.map { UsageJSON($0.0, created: $0.created) }, created: created),
            status: created > 0 ? .created : .ok)
    }

    @Sendable func record(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let input = Self.input(&reader)
        try reader.finish()
        let (event, created) = try await service.record(input, tenant: tenant)
        return try .json(UsageJSON(event), status: created ? .created : .ok)
    }
}
