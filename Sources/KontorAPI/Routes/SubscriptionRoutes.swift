import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/subscriptions`: thin — parse, call `SubscriptionService`, encode.
struct SubscriptionRoutes {
    let service: SubscriptionService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.post("subscriptions", use: create)
        group.get("subscriptions", use: list)
        group.get("subscriptions/{id}", use: get)
        group.get("subscriptions/{id}/periods", use: periods)
        group.post("subscriptions/{id}/change", use: change)
        group.post("subscriptions/{id}/cancel", use: cancel)
        group.post("subscriptions/{id}/pause", use: pause)
        group.post("subscriptions/{id}/resume", use: resume)
    }

    @Sendable func create(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.object(&request, context: context)
        var input = SubscriptionInput()
        input.customer = reader.requiredString("customer")
        input.plan = reader.requiredString("plan")
        input.quantity = reader.integer("quantity")
        input.currency = reader.requiredString("currency")
        input.startDate = reader.requiredString("start_date")
        input.trialDays = reader.integer("trial_days")
        input.billingAnchor = reader.requiredString("billing_anchor")
        input.collectionMethod = reader.requiredString("collection_method")
        input.paymentTermsDays = reader.integer("payment_terms_days")
        input.metadata = reader.stringMap("metadata")
        try reader.finish()
        let answer = Answer<Subscription>(status: .created) { try KontorJSON.encode(SubscriptionJSON($0)) }
        return try answer.response(
            try await service.create(input, tenant: tenant, idempotency: try answer.idempotency(request, body: bytes)))
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let s = try await service.get(try context.parameters.require("id"), tenant: try context.requireTenant())
        return try .json(SubscriptionJSON(s))
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["customer"])
        let page = try await service.list(
            tenant: try context.requireTenant(), customerID: query.filters["customer"], limit: query.limit,
            startingAfter: query.startingAfter
        )
        return try .json(ListPage(data: page.subscriptions.map(SubscriptionJSON.init), hasMore: page.hasMore))
    }

    @Sendable func periods(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let periods = try await service.periods(
            try context.parameters.require("id"), tenant: try context.requireTenant())
        return try .json(ListPage(data: periods, hasMore: false))
    }

    @Sendable func change(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try context.parameters.require("id")
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let plan = reader.requiredString("plan")
        let quantity = reader.integer("quantity")
        let proration = reader.requiredString("proration")
        try reader.finish()
        let s = try await service.change(id, plan: plan, quantity: quantity, proration: proration, tenant: tenant)
        return try .json(SubscriptionJSON(s))
    }

    @Sendable func cancel(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try context.parameters.require("id")
        var request = request
        var (reader, _) = try await RequestBody.optionalObject(&request, context: context)
        let at = reader.requiredString("at")
        try reader.finish()
        return try .json(SubscriptionJSON(try await service.cancel(id, at: at, tenant: tenant)))
    }

    @Sendable func pause(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            SubscriptionJSON(
                try await service.pause(try context.parameters.require("id"), tenant: try context.requireTenant())
            )
        )
    }

    @Sendable func resume(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            SubscriptionJSON(
                try await service.resume(try context.parameters.require("id"), tenant: try context.requireTenant())
            )
        )
    }
}
