import Foundation
import Hummingbird
import KontorCore
import KontorEngine

/// `POST /v1/usage`: 201 for a new event, 200 with the stored one for a repeated `id`.
struct UsageRoutes {
    let service: UsageService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.post("usage", use: record)
    }

    struct UsageJSON: Encodable {
        let id: String
        let object = "usage"
        let subscription: String
        let metric: String
        let quantity: Int64
        let timestamp: Date
        let recordedAt: Date
    }

    @Sendable func record(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        var input = UsageInput()
        input.id = reader.requiredString("id")
        input.subscription = reader.requiredString("subscription")
        input.metric = reader.requiredString("metric")
        input.quantity = reader.integer("quantity")
        input.timestamp = reader.instant("timestamp")
        try reader.finish()
        let (event, created) = try await service.record(input, tenant: tenant)
        return try .json(
            UsageJSON(
                id: event.id, subscription: event.subscriptionID, metric: event.metric, quantity: event.quantity,
                timestamp: event.occurredAt, recordedAt: event.recordedAt
            ),
            status: created ? .created : .ok
        )
    }
}
