import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine

/// Finance's controls through the API: dunning blocks (Mahnsperren), the Mahnvorschlag of
/// review-mode policies, period close and the tax-audit export.
struct DunningControlRoutes {
    let review: DunningReview
    let periods: PeriodClose
    let audit: AuditExport
    let receivables: ReceivablesService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.post("dunning_blocks", use: createBlock)
        group.get("dunning_blocks", use: listBlocks)
        group.post("dunning_blocks/{id}/lift", use: liftBlock)
        group.get("dunning_proposals", use: listProposals)
        group.post("dunning_proposals/release", use: release)
        group.post("dunning_proposals/{id}/postpone", use: postpone)
        group.get("periods", use: listPeriods)
        group.post("periods/{period}/close", use: closePeriod)
        group.get("exports/gobd", use: exportGoBD)
        group.get("write_off_proposals", use: listWriteOffs)
        group.post("write_off_proposals", use: proposeWriteOff)
        group.post("write_off_proposals/{id}/approve", use: approveWriteOff)
        group.post("write_off_proposals/{id}/reject", use: rejectWriteOff)
    }

    @Sendable func listWriteOffs(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let list = try await receivables.writeOffProposals(
            status: request.uri.queryParameters["status"].map(String.init), tenant: try context.requireTenant())
        return try .json(ListPage(data: list, hasMore: false))
    }

    /// `{invoice, reason}`: written off at once up to the tenant's threshold (201, status
    /// `written_off`), else pending until someone other than the proposer approves.
    @Sendable func proposeWriteOff(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let invoice = reader.requiredString("invoice")
        let reason = reader.requiredString("reason")
        try reader.finish()
        guard let invoice else { throw ValidationError(field: "invoice", message: "is required") }
        return try .json(
            try await receivables.proposeWriteOff(invoice, reason: reason ?? "", tenant: tenant), status: .created)
    }

    @Sendable func approveWriteOff(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            try await receivables.decideWriteOff(
                try context.parameters.require("id"), approve: true, tenant: try context.requireTenant()))
    }

    @Sendable func rejectWriteOff(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            try await receivables.decideWriteOff(
                try context.parameters.require("id"), approve: false, tenant: try context.requireTenant()))
    }

    static func day(_ raw: String?, field: String) throws -> LocalDate? {
        guard let raw else { return nil }
        guard let d = LocalDate(raw) else { throw ValidationError(field: field, message: "must be a date YYYY-MM-DD") }
        return d
    }

    @Sendable func createBlock(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let customer = reader.requiredString("customer")
        let invoice = reader.string("invoice") ?? nil
        let reason = reader.requiredString("reason") ?? ""
        let until = reader.requiredString("until")
        try reader.finish()
        guard let customer else { throw ValidationError(field: "customer", message: "is required") }
        return try .json(
            try await review.block(
                customerID: customer, invoiceID: invoice, reason: reason, until: try Self.day(until, field: "until"),
                tenant: tenant), status: .created)
    }

    @Sendable func listBlocks(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let active = request.uri.queryParameters["active"].map(String.init)
        guard active == nil || active == "true" || active == "false" else {
            throw ValidationError(field: "active", message: "must be true or false")
        }
        let list = try await review.blocks(
            customerID: try ReportRoutes.customer(request), active: active == "true",
            tenant: try context.requireTenant())
        return try .json(ListPage(data: list, hasMore: false))
    }

    @Sendable func liftBlock(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(try await review.lift(try context.parameters.require("id"), tenant: try context.requireTenant()))
    }

    @Sendable func listProposals(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let list = try await review.proposals(
            status: request.uri.queryParameters["status"].map(String.init),
            customerID: try ReportRoutes.customer(request), tenant: try context.requireTenant())
        return try .json(ListPage(data: list, hasMore: false))
    }

    /// `{"proposals": ["dpr_…", …]}` releases those; an empty body releases every open one.
    @Sendable func release(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.optionalObject(&request, context: context)
        let ids = reader.strings("proposals")
        try reader.finish()
        if let ids, ids.isEmpty || ids.count > 10_000 {
            throw ValidationError(field: "proposals", message: "must name 1 to 10,000 proposals (or be left out)")
        }
        return try .json(ListPage(data: try await review.release(ids: ids, tenant: tenant), hasMore: false))
    }

    @Sendable func postpone(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let until = reader.requiredString("until")
        let reason = reader.requiredString("reason") ?? ""
        try reader.finish()
        return try .json(
            try await review.postpone(
                try context.parameters.require("id"), until: try Self.day(until, field: "until"), reason: reason,
                tenant: tenant))
    }

    struct PeriodsJSON: Encodable {
        var object = "list"
        var lockedThrough: String?
        var nextClosable: String?
        var data: [PeriodCloseJSON]
        var hasMore = false
    }

    @Sendable func listPeriods(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let o = try await periods.overview(tenant: try context.requireTenant())
        return try .json(
            PeriodsJSON(lockedThrough: o.lockedThrough?.description, nextClosable: o.next?.description, data: o.closes))
    }

    @Sendable func closePeriod(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            try await periods.close(try context.parameters.require("period"), tenant: try context.requireTenant()),
            status: .created)
    }

    @Sendable func exportGoBD(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let from = try ReportRoutes.date(request, "from", required: true)!
        let to = try ReportRoutes.date(request, "to", required: true)!
        let bytes = try await audit.archive(from: from, to: to, tenant: try context.requireTenant())
        return Self.zip(bytes, name: "gobd-\(from)-\(to)")
    }

    static func zip(_ bytes: [UInt8], name: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/zip", .contentDisposition: "attachment; filename=\"\(name).zip\""],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
