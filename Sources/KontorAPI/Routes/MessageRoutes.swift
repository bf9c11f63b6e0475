import Foundation
import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/messages` (the message log; letters to print) and `/v1/message_templates` (the tenant's
/// e-mail templates per kind and language).
struct MessageRoutes {
    let messages: MessageService
    let templates: MessageTemplateService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.get("messages", use: list)
        group.post("messages/{id}/posted", use: posted)
        group.get("message_templates", use: listTemplates)
        group.put("message_templates/{kind}/{language}", use: putTemplate)
        group.delete("message_templates/{kind}/{language}", use: deleteTemplate)
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["customer", "status", "channel"])
        let page = try await messages.list(
            channel: query.filters["channel"], status: query.filters["status"], customerID: query.filters["customer"],
            limit: query.limit, startingAfter: query.startingAfter, tenant: try context.requireTenant())
        return try .json(ListPage(data: page.messages, hasMore: page.hasMore))
    }

    @Sendable func posted(_ request: Request, context: KontorRequestContext) async throws -> Response {
        var request = request
        var (reader, _) = try await RequestBody.optionalObject(&request, context: context)
        try reader.finish()
        return try .json(
            try await messages.markPosted(try context.parameters.require("id"), tenant: try context.requireTenant()))
    }

    @Sendable func listTemplates(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try DocumentRoutes.only([], request)
        return try .json(ListPage(data: try await templates.list(tenant: try context.requireTenant()), hasMore: false))
    }

    @Sendable func putTemplate(_ request: Request, context: KontorRequestContext) async throws -> Response {
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let subject = reader.requiredString("subject")
        let text = reader.requiredString("text")
        let html = reader.requiredString("html")
        try reader.finish()
        return try .json(
            try await templates.put(
                kind: try context.parameters.require("kind"), language: try context.parameters.require("language"),
                subject: subject, text: text, html: html, tenant: try context.requireTenant()))
    }

    @Sendable func deleteTemplate(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await templates.delete(
            kind: try context.parameters.require("kind"), language: try context.parameters.require("language"),
            tenant: try context.requireTenant())
        return Response(status: .noContent)
    }
}
