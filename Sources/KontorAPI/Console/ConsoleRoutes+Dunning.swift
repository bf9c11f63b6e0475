import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorDocuments
import KontorEngine

/// The Mahnvorschlag: open proposals of review-mode policies to release (all ticked by
/// default), dunning blocks to set and lift, proposals to postpone, and what was done.
extension ConsoleRoutes {
    @Sendable func dunningPage(_ request: Request, context: KontorRequestContext) async throws -> Response {
        guard let s = try await session(request) else { return redirect("/console/login") }
        return try await dunning(s, status: .ok, notice: request.uri.queryParameters["done"].map(String.init))
    }

    func dunning(
        _ s: ConsoleSession, status: HTTPResponse.Status, notice: String? = nil, errors: [String] = [],
        form: PortalForm? = nil
    ) async throws -> Response {
        let l = DocumentLanguage.de
        let all = try await engine.dunningReview.proposals(status: nil, customerID: nil, tenant: s.tenant)
        let open = all.filter { $0.status == "proposed" }
        var c = frame(s, title: "Mahnvorschlag")
        if let notice { c["notice"] = notice }
        c["has_errors"] = !errors.isEmpty
        c["errors"] = errors
        c["proposal_count"] = open.count
        c["has_proposals"] = !open.isEmpty
        c["proposals"] = open.map { p -> [String: Any] in
            let currency = Currency(code: p.currency) ?? .eur
            let overdue = p.items.filter(\.overdue)
            return [
                "id": p.id, "customer": p.customer, "customer_name": p.customerName ?? "", "level_name": p.levelName,
                "items": overdue.enumerated().map { n, i in
                    ["number": i.number, "open": l.money(i.open, currency), "last": n == overdue.count - 1]
                },
                "items_total": l.money(p.itemsTotal, currency), "fee": l.money(p.fee + p.flatFee, currency),
                "interest": l.money(p.interest, currency),
                "actions": p.actions.filter { $0 != "notify" }.joined(separator: ", "),
            ]
        }
        let done = all.filter { $0.status != "proposed" }.prefix(100)
        c["has_done"] = !done.isEmpty
        c["done"] = done.map {
            [
                "customer": $0.customer, "customer_name": $0.customerName ?? "", "level_name": $0.levelName,
                "status": $0.status, "notice": $0.notice ?? "", "decided_by": $0.decidedBy ?? "",
            ]
        }
        let blocks = try await engine.dunningReview.blocks(customerID: nil, active: true, tenant: s.tenant)
        c["has_blocks"] = !blocks.isEmpty
        c["blocks"] = blocks.map {
            [
                "id": $0.id, "customer": $0.customer, "invoice": $0.invoice ?? "alle Posten", "reason": $0.reason,
                "until": LocalDate($0.until).map(l.date) ?? $0.until, "created_by": $0.createdBy, "csrf": s.csrf,
            ]
        }
        c["b_customer"] = form?["customer"] ?? ""
        c["b_invoice"] = form?["invoice"] ?? ""
        c["b_reason"] = form?["reason"] ?? ""
        c["b_until"] = form?["until"] ?? ""
        return html(status, "dunning", c)
    }

    @Sendable func releaseProposals(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let passage = try await gate(request, .dun)
        guard case .open(let s, let form) = passage else { return passage.refused! }
        let ids = form.all("proposal")
        guard !ids.isEmpty else {
            return try await dunning(
                s, status: .unprocessableContent, errors: ["proposal: Bitte mindestens einen Vorschlag auswählen"])
        }
        do {
            let closed = try await asUser(s) { try await engine.dunningReview.release(ids: ids, tenant: s.tenant) }
            let sent = closed.filter { $0.status == "released" }.count
            return redirect(
                "/console/dunning?done=\(sent)%20Mahnungen%20freigegeben,%20\(closed.count - sent)%20ohne%20Anlass")
        } catch {
            guard let messages = Self.messages(error) else { throw error }
            return try await dunning(s, status: .unprocessableContent, errors: messages)
        }
    }

    @Sendable func blockDunning(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let passage = try await gate(request, .dun)
        guard case .open(let s, let form) = passage else { return passage.refused! }
        let invoice = (form["invoice"] ?? "").trimmingCharacters(in: .whitespaces)
        var untilDay: LocalDate?
        if let raw = form["until"], !raw.isEmpty {
            untilDay = LocalDate(raw)
            if untilDay == nil {
                return try await dunning(
                    s, status: .unprocessableContent, errors: ["until: muss ein Datum sein (JJJJ-MM-TT)"], form: form)
            }
        }
        do {
            _ = try await asUser(s, reason: form["reason"]) {
                try await engine.dunningReview.block(
                    customerID: (form["customer"] ?? "").trimmingCharacters(in: .whitespaces),
                    invoiceID: invoice.isEmpty ? nil : invoice, reason: form["reason"] ?? "", until: untilDay,
                    tenant: s.tenant)
            }
            return redirect("/console/dunning?done=Mahnsperre%20gesetzt")
        } catch {
            guard let messages = Self.messages(error) else { throw error }
            return try await dunning(s, status: .unprocessableContent, errors: messages, form: form)
        }
    }

    @Sendable func liftBlock(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let passage = try await gate(request, .dun)
        guard case .open(let s, let form) = passage else { return passage.refused! }
        do {
            _ = try await asUser(s) { try await engine.dunningReview.lift(form["block"] ?? "", tenant: s.tenant) }
            return redirect("/console/dunning?done=Mahnsperre%20aufgehoben")
        } catch {
            guard let messages = Self.messages(error) else { throw error }
            return try await dunning(s, status: .unprocessableContent, errors: messages)
        }
    }

    @Sendable func postponeProposal(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let passage = try await gate(request, .dun)
        guard case .open(let s, let form) = passage else { return passage.refused! }
        let until = form["until"].flatMap(LocalDate.init)
        guard until != nil || (form["until"] ?? "").isEmpty else {
            return try await dunning(
                s, status: .unprocessableContent, errors: ["until: muss ein Datum sein (JJJJ-MM-TT)"])
        }
        do {
            _ = try await asUser(s, reason: form["reason"]) {
                try await engine.dunningReview.postpone(
                    form["proposal"] ?? "", until: until, reason: form["reason"] ?? "", tenant: s.tenant)
            }
            return redirect("/console/dunning?done=Vorschlag%20zur%C3%BCckgestellt")
        } catch {
            guard let messages = Self.messages(error) else { throw error }
            return try await dunning(s, status: .unprocessableContent, errors: messages)
        }
    }
}
