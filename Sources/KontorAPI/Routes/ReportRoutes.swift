import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine

/// Reports (JSON, or CSV with `Accept: text/csv`), the DATEV export, dunning policies and a
/// customer's dunning.
struct ReportRoutes {
    let reports: ReportService
    let datev: DATEVExport
    let policies: DunningPolicies
    let dunning: DunningQueries

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.get("reports/open_items", use: openItems)
        group.get("reports/aging", use: aging)
        group.get("reports/dso", use: dso)
        group.get("exports/datev", use: exportDATEV)
        group.get("exports/collection", use: exportCollection)
        group.get("dunning_policies", use: listPolicies)
        group.get("dunning_policies/{code}", use: getPolicy)
        group.put("dunning_policies/{code}", use: putPolicy)
        group.get("customers/{id}/dunning", use: customerDunning)
        group.get("dunning_notices/{id}", use: notice)
    }

    static func date(_ request: Request, _ name: String, required: Bool) throws -> LocalDate? {
        guard let raw = request.uri.queryParameters[Substring(name)].map(String.init) else {
            if required { throw ValidationError(field: String(name), message: "is required (YYYY-MM-DD)") }
            return nil
        }
        guard let d = LocalDate(raw) else { throw ValidationError(field: name, message: "must be a date YYYY-MM-DD") }
        return d
    }

    static func wantsCSV(_ request: Request) -> Bool {
        (request.headers[.accept] ?? "").contains("text/csv")
    }

    /// The `customer` filter of a report: a customer id, or absent (all customers).
    static func customer(_ request: Request) throws -> String? {
        guard let value = request.uri.queryParameters["customer"].map(String.init) else { return nil }
        guard ListQuery.looksLikeID(value), value.hasPrefix("cus_") else {
            throw Problem.invalid([FieldError(field: "customer", message: "must be a customer id (cus_…)")])
        }
        return value
    }

    static func csv(_ text: String, name: String) -> Response {
        Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"\(name).csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Streamed (JSON or CSV): a million items go out in 64 KiB chunks from one snapshot.
    @Sendable func openItems(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let customer = try Self.customer(request)
        let day = try await reports.reportDay(try Self.date(request, "as_of", required: false), tenant: tenant)
        let csv = Self.wantsCSV(request)
        let reports = reports
        return Response(
            status: .ok,
            headers: csv
                ? [
                    .contentType: "text/csv; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"open-items-\(day).csv\"",
                ]
                : [.contentType: "application/json"],
            body: ResponseBody { writer in
                try await reports.streamOpenItems(
                    asOf: day, customerID: customer, format: csv ? .csv : .json, tenant: tenant
                ) { try await writer.write($0) }
                try await writer.finish(nil)
            })
    }

    @Sendable func aging(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let report = try await reports.aging(
            asOf: try Self.date(request, "as_of", required: false), tenant: try context.requireTenant())
        return Self.wantsCSV(request)
            ? Self.csv(ReportCSV.aging(report), name: "aging-\(report.asOf)") : try .json(report)
    }

    @Sendable func dso(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let report = try await reports.dso(
            from: try Self.date(request, "from", required: true)!, to: try Self.date(request, "to", required: true)!,
            tenant: try context.requireTenant())
        return Self.wantsCSV(request) ? Self.csv(ReportCSV.dso(report), name: "dso") : try .json(report)
    }

    @Sendable func exportDATEV(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let from = try Self.date(request, "from", required: true)!
        let to = try Self.date(request, "to", required: true)!
        let text = try await datev.export(from: from, to: to, tenant: try context.requireTenant())
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/csv; charset=utf-8",
                .contentDisposition: "attachment; filename=\"EXTF_Buchungsstapel_\(from)_\(to).csv\"",
            ],
            body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Sendable func exportCollection(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let report = try await reports.collection(
            from: try Self.date(request, "from", required: false), to: try Self.date(request, "to", required: false),
            customerID: try Self.customer(request), tenant: try context.requireTenant())
        return Self.wantsCSV(request)
            ? Self.csv(ReportCSV.collection(report), name: "collection-handover-\(report.asOf)") : try .json(report)
    }

    @Sendable func listPolicies(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(ListPage(data: try await policies.list(tenant: try context.requireTenant()), hasMore: false))
    }

    @Sendable func getPolicy(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let code = try context.parameters.require("code")
        guard
            let p = try await policies.list(tenant: try context.requireTenant()).first(where: { $0.code == code })
        else { throw EngineError.notFound(resource: "dunning policy", id: code) }
        return try .json(p)
    }

    @Sendable func putPolicy(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let code = try context.parameters.require("code")
        let body = try await request.body.collect(upTo: 1024 * 1024)
        var document: DunningPolicyDocument
        do {
            document = try KontorJSON.decoder().decode(DunningPolicyDocument.self, from: Data(body.readableBytesView))
        } catch let DecodingError.keyNotFound(key, ctx) {
            throw ValidationError(field: Self.path(ctx.codingPath + [key]), message: "is required")
        } catch let DecodingError.typeMismatch(_, ctx) {
            throw ValidationError(field: Self.path(ctx.codingPath), message: "has the wrong type")
        } catch let DecodingError.valueNotFound(_, ctx) {
            throw ValidationError(field: Self.path(ctx.codingPath), message: "must not be null")
        } catch {
            throw ValidationError(field: "body", message: "must be a JSON dunning policy")
        }
        guard document.code == code else {
            throw ValidationError(field: "code", message: "must equal the path's \(code)")
        }
        return try .json(try await policies.put(document, tenant: tenant))
    }

    static func path(_ keys: [any CodingKey]) -> String {
        keys.reduce("") { path, key in
            if let i = key.intValue { return path + "[\(i)]" }
            let snake = key.stringValue.reduce("") { $0 + ($1.isUppercase ? "_" + $1.lowercased() : String($1)) }
            return path.isEmpty ? snake : path + "." + snake
        }
    }

    @Sendable func customerDunning(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(try await dunning.customer(try context.parameters.require("id"), tenant: try context.requireTenant()))
    }

    @Sendable func notice(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(try await dunning.notice(try context.parameters.require("id"), tenant: try context.requireTenant()))
    }
}
