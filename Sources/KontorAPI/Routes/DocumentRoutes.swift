import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine

/// The archived PDFs: invoices and credit notes (ZUGFeRD / Factur-X hybrids), dunning notices,
/// and the customer statement (JSON, or the PDF with `Accept: application/pdf` or
/// `format=pdf`).
struct DocumentRoutes {
    let documents: DocumentService
    let messages: MessageService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.get("invoices/{id}/pdf", use: invoicePDF)
        group.get("credit_notes/{id}/pdf", use: creditNotePDF)
        group.get("dunning_notices/{id}/pdf", use: noticePDF)
        group.get("customers/{id}/statement", use: statement)
        group.get("customers/{id}/messages", use: customerMessages)
    }

    /// The e-mails sent (or tried) to the customer, newest first.
    @Sendable func customerMessages(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try Self.only([], request)
        let id = try context.parameters.require("id")
        guard ListQuery.looksLikeID(id), id.hasPrefix("cus_") else {
            throw EngineError.notFound(resource: "customer", id: id)
        }
        let list = try await messages.list(customerID: id, tenant: try context.requireTenant())
        return try .json(ListPage(data: list, hasMore: false))
    }

    /// Refuses a query parameter the operation does not have (a typo must not pass unseen).
    static func only(_ names: Set<String>, _ request: Request) throws {
        for (key, _) in request.uri.queryParameters where !names.contains(String(key)) {
            throw Problem.invalid([FieldError(field: String(key), message: "is not a parameter of this operation")])
        }
    }

    @Sendable func invoicePDF(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try Self.only([], request)
        let id = try context.parameters.require("id")
        return InvoiceRoutes.document(
            try await documents.einvoice(invoiceID: id, syntax: .pdf, tenant: try context.requireTenant()))
    }

    @Sendable func creditNotePDF(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try Self.only([], request)
        let id = try context.parameters.require("id")
        return InvoiceRoutes.document(
            try await documents.einvoice(creditNoteID: id, syntax: .pdf, tenant: try context.requireTenant()))
    }

    @Sendable func noticePDF(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try Self.only([], request)
        let id = try context.parameters.require("id")
        return InvoiceRoutes.document(try await documents.noticePDF(noticeID: id, tenant: try context.requireTenant()))
    }

    @Sendable func statement(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try Self.only(["as_of", "format", "currency"], request)
        let id = try context.parameters.require("id")
        guard ListQuery.looksLikeID(id), id.hasPrefix("cus_") else {
            throw EngineError.notFound(resource: "customer", id: id)
        }
        let query = request.uri.queryParameters
        let asOf = try ReportRoutes.date(request, "as_of", required: false)
        let format = query["format"].map(String.init)
        guard format == nil || format == "json" || format == "pdf" else {
            throw Problem.invalid([FieldError(field: "format", message: "must be json or pdf")])
        }
        let currency = query["currency"].map(String.init)
        if let currency, Currency(code: currency) == nil {
            throw Problem.invalid([FieldError(field: "currency", message: "is not an ISO 4217 currency")])
        }
        let wantsPDF =
            format == "pdf" || (format == nil && (request.headers[.accept] ?? "").contains("application/pdf"))
        let tenant = try context.requireTenant()
        if wantsPDF {
            return InvoiceRoutes.document(
                try await documents.statementPDF(customerID: id, asOf: asOf, currency: currency, tenant: tenant))
        }
        return try .json(try await documents.statement(customerID: id, asOf: asOf, tenant: tenant))
    }
}
