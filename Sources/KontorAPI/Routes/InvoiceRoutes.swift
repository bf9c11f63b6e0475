import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/invoices` and `/v1/credit_notes`.
struct InvoiceRoutes {
    let service: InvoiceService
    let documents: DocumentService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.get("invoices", use: list)
        group.post("invoices", use: create)
        group.get("invoices/{id}", use: get)
        group.post("invoices/{id}/credit_notes", use: createCreditNote)
        group.get("credit_notes", use: listCreditNotes)
        group.get("credit_notes/{id}", use: getCreditNote)
        group.get("fee_items", use: listFeeItems)
        group.get("fee_items/{id}", use: getFeeItem)
        group.get("invoices/{id}/einvoice", use: einvoice)
        group.get("credit_notes/{id}/einvoice", use: creditNoteEInvoice)
    }

    /// `?syntax=cii` (default: Factur-X / ZUGFeRD EN 16931) or `ubl` (XRechnung 3.0).
    static func syntax(_ request: Request) throws -> DocumentService.Syntax {
        let query = request.uri.queryParameters
        for (key, _) in query where key != "syntax" {
            throw Problem.invalid([FieldError(field: String(key), message: "is not a parameter of this operation")])
        }
        guard let raw = query["syntax"].map(String.init) else { return .cii }
        guard let syntax = DocumentService.Syntax(rawValue: raw), syntax != .pdf else {
            throw Problem.invalid([FieldError(field: "syntax", message: "must be cii or ubl")])
        }
        return syntax
    }

    /// The archived bytes, with their digest (RFC 9530) and template version.
    static func document(_ d: ArchivedDocument) -> Response {
        let digest = Data((0..<32).map { i in UInt8(d.sha256.dropFirst(2 * i).prefix(2), radix: 16) ?? 0 })
        return Response(
            status: .ok,
            headers: [
                .contentType: d.format.contentType,
                .contentDisposition:
                    "attachment; filename=\"\(d.sourceID)-\(d.format.rawValue).\(d.format.fileExtension)\"",
                .eTag: "\"\(d.sha256)\"",
                HTTPField.Name("Repr-Digest")!: "sha-256=:\(digest.base64EncodedString()):",
                HTTPField.Name("Kontor-Template-Version")!: d.templateVersion,
            ],
            body: .init(byteBuffer: ByteBuffer(bytes: d.content)))
    }

    @Sendable func einvoice(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let syntax = try Self.syntax(request)
        let id = try context.parameters.require("id")
        return Self.document(
            try await documents.einvoice(invoiceID: id, syntax: syntax, tenant: try context.requireTenant()))
    }

    @Sendable func creditNoteEInvoice(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let syntax = try Self.syntax(request)
        let id = try context.parameters.require("id")
        return Self.document(
            try await documents.einvoice(creditNoteID: id, syntax: syntax, tenant: try context.requireTenant()))
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            InvoiceJSON(
                try await service.get(try context.parameters.require("id"), tenant: try context.requireTenant())))
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["customer", "subscription", "kind"])
        // Fee items are not invoices (§ 14 UStG): listed here only when asked for.
        let kinds: [DocumentKind]
        switch query.filters["kind"] {
        case nil, "invoice": kinds = [.invoice]
        case "fee_item": kinds = [.feeItem]
        case "all": kinds = [.invoice, .feeItem]
        default: throw Problem.invalid([FieldError(field: "kind", message: "must be invoice, fee_item or all")])
        }
        let page = try await service.list(
            tenant: try context.requireTenant(), kinds: kinds, customerID: query.filters["customer"],
            subscriptionID: query.filters["subscription"], limit: query.limit, startingAfter: query.startingAfter
        )
        return try .json(ListPage(data: page.invoices.map(InvoiceJSON.init), hasMore: page.hasMore))
    }

    @Sendable func getFeeItem(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            InvoiceJSON(
                try await service.get(
                    try context.parameters.require("id"), kind: .feeItem, tenant: try context.requireTenant())))
    }

    @Sendable func listFeeItems(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["customer"])
        let page = try await service.list(
            tenant: try context.requireTenant(), kinds: [.feeItem], customerID: query.filters["customer"],
            subscriptionID: nil, limit: query.limit, startingAfter: query.startingAfter)
        return try .json(ListPage(data: page.invoices.map(InvoiceJSON.init), hasMore: page.hasMore))
    }

    @Sendable func create(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.object(&request, context: context)
        var input = OneOffInvoiceInput()
        input.customer = reader.requiredString("customer")
        input.currency = reader.requiredString("currency")
        input.collectionMethod = reader.requiredString("collection_method")
        input.paymentTermsDays = reader.integer("payment_terms_days")
        input.taxCategory = reader.requiredString("tax_category")
        var lines: [OneOffLineInput] = []
        if reader.objects(
            "lines",
            { line in
                var item = OneOffLineInput()
                item.description = line.requiredString("description")
                item.quantity = line.integer("quantity")
                item.unitAmount = line.integer("unit_amount")
                lines.append(item)
            }) != nil
        {
            input.lines = lines
        }
        try reader.finish()
        let answer = Answer<Invoice>(status: .created) { try KontorJSON.encode(InvoiceJSON($0)) }
        return try answer.response(
            try await service.createOneOff(
                input, tenant: tenant, idempotency: try answer.idempotency(request, body: bytes)))
    }

    @Sendable func createCreditNote(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try context.parameters.require("id")
        var request = request
        var (reader, bytes) = try await RequestBody.optionalObject(&request, context: context)
        var input = CreditNoteInput()
        input.reason = reader.requiredString("reason")
        input.memo = reader.requiredString("memo")
        var lines: [(description: String?, amount: Int64?)] = []
        if reader.objects(
            "lines",
            { line in
                lines.append((line.requiredString("description"), line.integer("amount")))
            }) != nil
        {
            input.lines = lines
        }
        try reader.finish()
        let answer = Answer<CreditNote>(status: .created) { try KontorJSON.encode(CreditNoteJSON($0)) }
        return try answer.response(
            try await service.createCreditNote(
                invoiceID: id, input, tenant: tenant, idempotency: try answer.idempotency(request, body: bytes)))
    }

    @Sendable func getCreditNote(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            CreditNoteJSON(
                try await service.getCreditNote(
                    try context.parameters.require("id"), tenant: try context.requireTenant())
            )
        )
    }

    @Sendable func listCreditNotes(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["invoice"])
        let page = try await service.listCreditNotes(
            tenant: try context.requireTenant(), invoiceID: query.filters["invoice"], limit: query.limit,
            startingAfter: query.startingAfter
        )
        return try .json(ListPage(data: page.creditNotes.map(CreditNoteJSON.init), hasMore: page.hasMore))
    }
}
