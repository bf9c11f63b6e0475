import Foundation
import Hummingbird
import KontorCore
import KontorEngine

/// Finance's side of the debtor portal: customers' portal links, the debtors' disputes and
/// their instalment proposals (accept or decline); and the audit trail of every change.
struct PortalAPIRoutes {
    let links: PortalLinkService
    let disputes: DisputeService
    let proposals: InstalmentProposalService
    let audit: AuditService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.get("customers/{id}/portal_link", use: getLink)
        group.post("customers/{id}/portal_link", use: rotateLink)
        group.delete("customers/{id}/portal_link", use: revokeLink)
        group.get("disputes", use: listDisputes)
        group.get("instalment_proposals", use: listProposals)
        group.get("instalment_proposals/{id}", use: getProposal)
        group.post("instalment_proposals/{id}/accept", use: accept)
        group.post("instalment_proposals/{id}/decline", use: decline)
        group.get("audit_log", use: auditLog)
    }

    /// The audit trail, newest first (`?object=` one object's).
    @Sendable func auditLog(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["object"])
        return .json(
            try await audit.list(
                objectID: query.filters["object"], limit: query.limit, startingAfter: query.startingAfter,
                tenant: try context.requireTenant()))
    }

    static let decided = Answer<InstalmentProposal>(status: .ok) { try KontorJSON.encode(InstalmentProposalJSON($0)) }

    @Sendable func getLink(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try DocumentRoutes.only([], request)
        return try .json(
            try await links.get(customerID: try context.parameters.require("id"), tenant: try context.requireTenant()))
    }

    /// Makes a new link; the customer's old one stops working at once.
    @Sendable func rotateLink(_ request: Request, context: KontorRequestContext) async throws -> Response {
        var request = request
        var (reader, _) = try await RequestBody.optionalObject(&request, context: context)
        try reader.finish()
        return try .json(
            try await links.rotate(
                customerID: try context.parameters.require("id"), tenant: try context.requireTenant()),
            status: .created)
    }

    @Sendable func revokeLink(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await links.revoke(customerID: try context.parameters.require("id"), tenant: try context.requireTenant())
        return Response(status: .noContent)
    }

    @Sendable func listDisputes(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["customer", "status"])
        let page = try await disputes.list(
            customerID: query.filters["customer"], status: query.filters["status"], limit: query.limit,
            startingAfter: query.startingAfter, tenant: try context.requireTenant())
        return try .json(ListPage(data: page.disputes.map(DisputeJSON.init), hasMore: page.hasMore))
    }

    @Sendable func listProposals(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["customer", "status"])
        let page = try await proposals.list(
            customerID: query.filters["customer"], status: query.filters["status"], limit: query.limit,
            startingAfter: query.startingAfter, tenant: try context.requireTenant())
        return try .json(ListPage(data: page.proposals.map(InstalmentProposalJSON.init), hasMore: page.hasMore))
    }

    @Sendable func getProposal(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try DocumentRoutes.only([], request)
        return try .json(
            InstalmentProposalJSON(
                try await proposals.get(try context.parameters.require("id"), tenant: try context.requireTenant())))
    }

    @Sendable func accept(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await decide(request, context, accept: true)
    }

    @Sendable func decline(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await decide(request, context, accept: false)
    }

    func decide(_ request: Request, _ context: KontorRequestContext, accept: Bool) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.optionalObject(&request, context: context)
        let note = reader.string("note") ?? nil
        try reader.finish()
        let id = try context.parameters.require("id")
        let idempotency = try Self.decided.idempotency(request, body: bytes)
        return try Self.decided.response(
            accept
                ? try await proposals.accept(id, note: note, tenant: tenant, idempotency: idempotency)
                : try await proposals.decline(id, note: note, tenant: tenant, idempotency: idempotency))
    }
}
