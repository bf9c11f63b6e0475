import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorDocuments
import KontorEngine

/// The work queues: unmatched bank credits with suggestions (allocate with one click on the
/// suggestion), open disputes with the debtor's words, instalment proposals to accept or
/// decline, and write-off proposals (a second person approves above the threshold).
extension ConsoleRoutes {
    static let queueLimit = 100

    @Sendable func queuesPage(_ request: Request, context: KontorRequestContext) async throws -> Response {
        guard let s = try await session(request) else { return redirect("/console/login") }
        return try await queues(s, status: .ok, notice: request.uri.queryParameters["done"].map(String.init))
    }

    func queues(_ s: ConsoleSession, status: HTTPResponse.Status, notice: String? = nil, errors: [String] = [])
        async throws -> Response
    {
        let l = DocumentLanguage.de
        let tenant = s.tenant
        let money = { (v: Int64, cur: String) in l.money(v, Currency(code: cur) ?? .eur) }
        var c = frame(s, title: "Arbeitskörbe")
        if let notice { c["notice"] = notice }
        c["has_errors"] = !errors.isEmpty
        c["errors"] = errors
        let credits = try await engine.bankStatements.unmatched(limit: Self.queueLimit, tenant: tenant)
        c["has_credits"] = !credits.isEmpty
        c["credits"] = credits.map { u -> [String: Any] in
            let t = u.transaction
            return [
                "id": t.id, "date": LocalDate(t.bookingDate).map(l.date) ?? t.bookingDate,
                "amount": money(t.amount, t.currency), "payer": t.payerName ?? "", "iban": t.payerIban ?? "",
                "text": t.remittance ?? "", "note": t.note ?? "", "has_suggestions": !u.suggestions.isEmpty,
                "suggestions": u.suggestions.map { g -> [String: Any] in
                    [
                        "customer": g.customerID, "customer_name": g.customerName ?? g.customerID,
                        "evidence": Self.evidenceLabel(g.evidence) + (g.amountFits ? ", Betrag passt" : ""),
                        "invoices": g.invoices.isEmpty ? "kein offener Posten" : g.invoices.joined(separator: ", "),
                        "surplus": g.surplus > 0 ? money(g.surplus, t.currency) + " als Guthaben" : "",
                        "transaction": t.id, "csrf": s.csrf,
                    ]
                },
            ]
        }
        let disputes = try await engine.disputes.list(
            customerID: nil, status: "open", limit: Self.queueLimit, startingAfter: nil, tenant: tenant
        ).disputes
        c["has_disputes"] = !disputes.isEmpty
        c["disputes"] = disputes.map {
            ["id": $0.id, "customer": $0.customerID, "invoice": $0.invoiceID, "reason": $0.reason]
        }
        let proposals = try await engine.proposals.list(
            customerID: nil, status: "pending", limit: Self.queueLimit, startingAfter: nil, tenant: tenant
        ).proposals
        c["has_instalments"] = !proposals.isEmpty
        c["instalments"] = proposals.map {
            [
                "id": $0.id, "customer": $0.customerID, "amount": money($0.amount, $0.currency),
                "count": $0.instalments, "first": l.date($0.firstDueDate), "message": $0.message,
            ] as [String: Any]
        }
        let writeOffs = try await engine.receivables.writeOffProposals(status: nil, tenant: tenant).prefix(
            Self.queueLimit)
        let pending = writeOffs.filter { $0.status == "pending" }
        c["has_write_offs"] = !pending.isEmpty
        c["write_offs"] = pending.map {
            [
                "id": $0.id, "customer": $0.customer, "invoice": $0.invoice, "amount": money($0.amount, $0.currency),
                "reason": $0.reason, "proposed_by": $0.proposedBy,
            ]
        }
        let decided = writeOffs.filter { $0.status != "pending" }.prefix(20)
        c["has_decided"] = !decided.isEmpty
        c["decided"] = decided.map {
            [
                "invoice": $0.invoice, "amount": money($0.amount, $0.currency), "status": $0.status,
                "proposed_by": $0.proposedBy, "decided_by": $0.decidedBy ?? "",
            ]
        }
        return html(status, "queues", c)
    }

    static func evidenceLabel(_ e: PaymentSuggestion.Evidence) -> String {
        switch e {
        case .invoiceNumber: "Rechnungsnummer im Verwendungszweck"
        case .iban: "IBAN bekannt"
        case .name: "Name des Zahlers"
        }
    }

    /// One form for every decision of the queues: `action` says which, the role decides
    /// whether it may (403 otherwise, nothing changed).
    func decideQueue(
        _ request: Request, _ action: ConsoleAction, _ body: (ConsoleSession, PortalForm) async throws -> String
    )
        async throws -> Response
    {
        let passage = try await gate(request, action)
        guard case .open(let s, let form) = passage else { return passage.refused! }
        do {
            let done = try await asUser(s, reason: form["reason"].flatMap { $0.isEmpty ? nil : $0 }) {
                try await body(s, form)
            }
            return redirect(
                "/console/queues?done=" + (done.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""))
        } catch {
            guard let messages = Self.messages(error) else { throw error }
            let forbidden: Bool
            if case .forbidden = error as? EngineError { forbidden = true } else { forbidden = false }
            return try await queues(s, status: forbidden ? .forbidden : .unprocessableContent, errors: messages)
        }
    }

    @Sendable func allocateCredit(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await decideQueue(request, .allocate) { s, form in
            var input = PaymentInput()
            input.customer = (form["customer"] ?? "").trimmingCharacters(in: .whitespaces)
            let t = try await engine.bankStatements.allocate(form["transaction"] ?? "", input: input, tenant: s.tenant)
            return "Zahlung \(t.id) zugeordnet an \(t.customer ?? "")"
        }
    }

    @Sendable func proposeWriteOff(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await decideQueue(request, .proposeWriteOff) { s, form in
            let p = try await engine.receivables.proposeWriteOff(
                (form["invoice"] ?? "").trimmingCharacters(in: .whitespaces), reason: form["reason"] ?? "",
                tenant: s.tenant)
            return p.status == "pending" ? "Ausbuchung vorgeschlagen: wartet auf Freigabe" : "Posten ausgebucht"
        }
    }

    @Sendable func decideWriteOff(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await decideQueue(request, .approveWriteOff) { s, form in
            let approve = form["decision"] == "approve"
            _ = try await engine.receivables.decideWriteOff(form["proposal"] ?? "", approve: approve, tenant: s.tenant)
            return approve ? "Ausbuchung freigegeben" : "Ausbuchung abgelehnt"
        }
    }

    @Sendable func decideInstalments(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await decideQueue(request, .dun) { s, form in
            let id = form["proposal"] ?? ""
            let note = form["reason"].flatMap { $0.isEmpty ? nil : $0 }
            if form["decision"] == "accept" {
                _ = try await engine.proposals.accept(id, note: note, tenant: s.tenant, idempotency: nil)
                return "Ratenzahlung angenommen"
            }
            _ = try await engine.proposals.decline(id, note: note, tenant: s.tenant, idempotency: nil)
            return "Ratenzahlung abgelehnt"
        }
    }

    @Sendable func resolveDispute(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try await decideQueue(request, .dun) { s, form in
            _ = try await engine.disputes.resolve(
                form["dispute"] ?? "", resolution: form["reason"].flatMap { $0.isEmpty ? nil : $0 }, tenant: s.tenant,
                idempotency: nil)
            return "Beanstandung erledigt"
        }
    }
}
