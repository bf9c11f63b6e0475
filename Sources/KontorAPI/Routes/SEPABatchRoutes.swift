import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorDocuments
import KontorEngine

/// pain.008 batches of a tenant that collects by bank file: make one of every debit due,
/// read them, download the file as stored, mark one submitted to the bank; and its debits.
struct SEPABatchRoutes {
    let service: SEPABatchService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.post("sepa_batches", use: create)
        group.get("sepa_batches", use: list)
        group.get("sepa_batches/{id}", use: get)
        group.get("sepa_batches/{id}/file", use: file)
        group.post("sepa_batches/{id}/submitted", use: submitted)
        group.get("sepa_debits", use: debits)
    }

    /// Scheduled, batched, settled and canceled debits (what the next batch will take).
    @Sendable func debits(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["status", "invoice"])
        let page = try await service.debits(
            limit: query.limit, startingAfter: query.startingAfter, status: query.filters["status"],
            invoiceID: query.filters["invoice"], tenant: try context.requireTenant())
        return try .json(ListPage(data: page.debits, hasMore: page.hasMore))
    }

    /// `{format?}`: `pain.008.001.08` (default) or `pain.008.001.02`.
    @Sendable func create(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.optionalObject(&request, context: context)
        let format = reader.requiredString("format")
        try reader.finish()
        var version = Pain008Writer.Version.v08
        if let format {
            guard let v = Pain008Writer.Version(rawValue: format) else {
                throw ValidationError(field: "format", message: "must be pain.008.001.08 or pain.008.001.02")
            }
            version = v
        }
        return try .json(try await service.create(version: version, tenant: tenant), status: .created)
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["status"])
        let page = try await service.list(
            limit: query.limit, startingAfter: query.startingAfter, status: query.filters["status"],
            tenant: try context.requireTenant())
        return try .json(ListPage(data: page.batches, hasMore: page.hasMore))
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(try await service.get(try context.parameters.require("id"), tenant: try context.requireTenant()))
    }

    /// The XML file as made; its SHA-256 is the batch's `sha256`.
    @Sendable func file(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let (messageID, bytes) = try await service.file(
            try context.parameters.require("id"), tenant: try context.requireTenant())
        return Response(
            status: .ok,
            headers: [
                .contentType: "application/xml",
                .contentDisposition: "attachment; filename=\"\(messageID).xml\"",
            ],
            body: .init(byteBuffer: bytes))
    }

    @Sendable func submitted(_ request: Request, context: KontorRequestContext) async throws -> Response {
        var request = request
        var (reader, _) = try await RequestBody.optionalObject(&request, context: context)
        try reader.finish()
        return try .json(
            try await service.submit(try context.parameters.require("id"), tenant: try context.requireTenant()))
    }
}
