import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorDocuments
import KontorEngine

/// Period close (DATEV export of a month, then the lock) and the tax-audit export.
extension ConsoleRoutes {
    @Sendable func periodsPage(_ request: Request, context: KontorRequestContext) async throws -> Response {
        guard let s = try await session(request) else { return redirect("/console/login") }
        return try await periods(s, status: .ok, notice: request.uri.queryParameters["done"].map(String.init))
    }

    func periods(_ s: ConsoleSession, status: HTTPResponse.Status, notice: String? = nil, errors: [String] = [])
        async throws -> Response
    {
        let l = DocumentLanguage.de
        let o = try await engine.periodClose.overview(tenant: s.tenant)
        var c = frame(s, title: "Periodenabschluss & Export")
        if let notice { c["notice"] = notice }
        c["has_errors"] = !errors.isEmpty
        c["errors"] = errors
        c["locked_through"] = o.lockedThrough.map(l.date) ?? "nichts gesperrt"
        if s.user.role.may(.closePeriod), let next = o.next { c["next"] = next.description }
        c["has_closes"] = !o.closes.isEmpty
        c["closes"] = o.closes.map {
            [
                "period": $0.period, "entries": $0.entries, "sha": $0.datevSha256, "by": $0.closedBy,
                "at": RFC3339.string($0.closedAt),
            ]
                as [String: Any]
        }
        c["g_from"] = o.lockedThrough.flatMap { LocalDate(year: $0.year, month: 1, day: 1) }?.description ?? ""
        c["g_to"] = o.lockedThrough?.description ?? ""
        return html(status, "periods", c)
    }

    @Sendable func closePeriod(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let passage = try await gate(request, .closePeriod)
        guard case .open(let s, let form) = passage else { return passage.refused! }
        do {
            let closed = try await asUser(s) {
                try await engine.periodClose.close(form["period"] ?? "", tenant: s.tenant)
            }
            return redirect("/console/periods?done=\(closed.period)%20abgeschlossen%20und%20gesperrt")
        } catch {
            guard let messages = Self.messages(error) else { throw error }
            return try await periods(s, status: .unprocessableContent, errors: messages)
        }
    }

    @Sendable func exportGoBD(_ request: Request, context: KontorRequestContext) async throws -> Response {
        guard let s = try await session(request) else { return redirect("/console/login") }
        guard s.user.role.may(.auditExport) else { return refusal(s, "Ihre Rolle darf diesen Export nicht abrufen.") }
        let from = request.uri.queryParameters["from"].flatMap { LocalDate(String($0)) }
        let to = request.uri.queryParameters["to"].flatMap { LocalDate(String($0)) }
        guard let from, let to else {
            return try await periods(
                s, status: .unprocessableContent, errors: ["from/to: Zeitraum mit zwei Daten (JJJJ-MM-TT) angeben"])
        }
        do {
            let bytes = try await engine.auditExport.archive(from: from, to: to, tenant: s.tenant)
            return DunningControlRoutes.zip(bytes, name: "gobd-\(from)-\(to)")
        } catch {
            guard let messages = Self.messages(error) else { throw error }
            return try await periods(s, status: .unprocessableContent, errors: messages)
        }
    }
}
