import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorDocuments
import KontorEngine

/// The debtor account (Kontoauszug: every booking and event with a running balance, and the
/// statement PDF) and the Saldenliste (opening, debits, credits, closing per debtor for a
/// span, reconciled to the receivable account).
extension ConsoleRoutes {
    @Sendable func debtorAccountPage(_ request: Request, context: KontorRequestContext) async throws -> Response {
        guard let s = try await session(request) else { return redirect("/console/login") }
        let id = try context.parameters.require("id")
        let fields = Self.fields(request)
        var errors: [FieldError] = []
        let from = Self.date(fields, "from", &errors)
        let to = Self.date(fields, "to", &errors)
        if !errors.isEmpty { return problemPage(s, "Kontoauszug", .unprocessableContent, errors.map(Self.text)) }
        let statement: DebtorAccounts.Statement
        do {
            statement = try await engine.debtorAccounts.account(
                customerID: id, from: from, through: to, tenant: s.tenant)
        } catch let e as EngineError {
            guard case .notFound = e else { throw e }
            return problemPage(s, "Kontoauszug", .notFound, Self.messages(e) ?? [])
        } catch let v as ValidationError {
            return problemPage(s, "Kontoauszug", .unprocessableContent, v.errors.map(Self.text))
        }
        let l = DocumentLanguage.de
        let a = statement.account
        let money = { (v: Int64, cur: String) in l.money(v, Currency(code: cur) ?? .eur) }
        var c = frame(s, title: "Kontoauszug " + (statement.customerName ?? statement.customerID))
        c["customer"] = statement.customerID
        c["from"] = a.from.description
        c["to"] = a.through.description
        c["span"] = "\(l.date(a.from)) bis \(l.date(a.through))"
        c["truncated"] = statement.truncated
        c["line_limit"] = DebtorAccounts.lineLimit
        c["balances"] = a.balances.map {
            [
                "currency": $0.currency, "opening": money($0.opening, $0.currency),
                "debits": money($0.debits, $0.currency), "credits": money($0.credits, $0.currency),
                "closing": money($0.closing, $0.currency), "closing_minor": $0.closing,
            ] as [String: Any]
        }
        c["has_lines"] = !a.lines.isEmpty
        c["lines"] = a.lines.map { line -> [String: Any] in
            let e = line.entry
            let cur = Currency(code: e.currency) ?? .eur
            return [
                "date": l.date(e.date), "kind": Self.kindLabel(e.kind), "number": e.number,
                "text": e.text ?? e.claimed.map { "gemahnt: " + l.money($0, cur) } ?? "", "currency": e.currency,
                "event": !e.kind.books,
                "debit": line.debit > 0 ? l.money(line.debit, cur) : "",
                "credit": line.credit > 0 ? l.money(line.credit, cur) : "",
                "balance": e.kind.books ? l.money(line.balance, cur) : "",
            ]
        }
        return html(.ok, "account", c)
    }

    @Sendable func debtorStatementPDF(_ request: Request, context: KontorRequestContext) async throws -> Response {
        guard let s = try await session(request) else { return redirect("/console/login") }
        let id = try context.parameters.require("id")
        var errors: [FieldError] = []
        let asOf = Self.date(Self.fields(request), "as_of", &errors)
        if !errors.isEmpty { return problemPage(s, "Kontoauszug", .unprocessableContent, errors.map(Self.text)) }
        guard Identifier.looksValid(id, prefix: "cus") else {
            return problemPage(s, "Kontoauszug", .notFound, ["customer \(id): nicht gefunden"])
        }
        do {
            return InvoiceRoutes.document(
                try await engine.documents.statementPDF(customerID: id, asOf: asOf, currency: nil, tenant: s.tenant))
        } catch let e as EngineError {
            guard case .notFound = e else { throw e }
            return problemPage(s, "Kontoauszug", .notFound, Self.messages(e) ?? [])
        }
    }

    @Sendable func balancesPage(_ request: Request, context: KontorRequestContext) async throws -> Response {
        guard let s = try await session(request) else { return redirect("/console/login") }
        let fields = Self.fields(request)
        var errors: [FieldError] = []
        var from = Self.date(fields, "from", &errors)
        var to = Self.date(fields, "to", &errors)
        let customer = fields["customer"].flatMap { $0.isEmpty ? nil : $0 }
        if let customer, !Identifier.looksValid(customer, prefix: "cus") {
            errors.append(FieldError(field: "customer", message: "must be a customer id (cus_…)"))
        }
        var cursor: DebtorBalanceCursor?
        if let raw = fields["after"] {
            cursor = DebtorBalanceCursor(token: raw)
            if cursor == nil { errors.append(FieldError(field: "after", message: "is not a page of this list")) }
        }
        if from == nil || to == nil {
            let span = try await engine.debtorAccounts.defaultSpan(tenant: s.tenant)
            from = from ?? (to.map { LocalDate(year: $0.year, month: $0.month, day: 1)! } ?? span.from)
            to = to ?? span.through
        }
        guard let from, let to else { return problemPage(s, "Saldenliste", .unprocessableContent, []) }
        errors += AccountSpan.problems(from: from, through: to)
        if !errors.isEmpty { return problemPage(s, "Saldenliste", .unprocessableContent, errors.map(Self.text)) }
        let accounts = engine.debtorAccounts
        let page = try await accounts.balances(
            from: from, through: to, customerID: customer, after: cursor, tenant: s.tenant)
        let l = DocumentLanguage.de
        let money = { (v: Int64, cur: String) in l.money(v, Currency(code: cur) ?? .eur) }
        let row = { (b: DebtorAccount.Balance) -> [String: Any] in
            [
                "currency": b.currency, "opening": money(b.opening, b.currency), "debits": money(b.debits, b.currency),
                "credits": money(b.credits, b.currency), "closing": money(b.closing, b.currency),
                "closing_minor": b.closing,
            ]
        }
        var c = frame(s, title: "Saldenliste")
        c["from"] = from.description
        c["to"] = to.description
        c["span"] = "\(l.date(from)) bis \(l.date(to))"
        c["f_customer"] = customer ?? ""
        c["has_rows"] = !page.rows.isEmpty
        c["rows"] = page.rows.map { r -> [String: Any] in
            var d = row(r.balance)
            d["customer"] = r.customerID
            d["customer_name"] = r.customerName ?? ""
            return d
        }
        if customer == nil {
            let answer = try await accounts.balanceTotals(
                from: from, through: to, tenant: s.tenant, wait: Self.totalsWait)
            var list: [DebtorAccounts.BalanceTotal] = []
            switch answer {
            case .current(let t): list = t
            case .stale(let t, let at):
                (list, c["stale"], c["refresh"]) = (t, RFC3339.string(at), 3)
            case .computing: (c["computing"], c["refresh"]) = (true, 2)
            }
            c["has_totals"] = !list.isEmpty
            c["totals"] = list.map { t -> [String: Any] in
                var d = row(t.debtors)
                d["reconciled"] =
                    t.reconciled
                    ? "abgestimmt" : "NICHT abgestimmt (Konto \(money(t.account, t.debtors.currency)))"
                return d
            }
        }
        var link = "from=\(from)&to=\(to)"
        if let customer { link += "&customer=\(customer)" }
        c["query"] = link
        if let next = page.next { c["next"] = next.token }
        return html(.ok, "balances", c)
    }

    func problemPage(_ s: ConsoleSession, _ title: String, _ status: HTTPResponse.Status, _ errors: [String])
        -> Response
    {
        var c = frame(s, title: title)
        c["has_errors"] = !errors.isEmpty
        c["errors"] = errors
        c["text"] = status == .notFound ? "Nicht gefunden." : "Bitte die Auswahl korrigieren."
        return html(status, "message", c)
    }

    static func text(_ e: FieldError) -> String { "\(e.field): \(e.message)" }

    /// A date field of a query: nil when absent or empty; a problem when not YYYY-MM-DD.
    static func date(_ fields: [String: String], _ name: String, _ errors: inout [FieldError]) -> LocalDate? {
        guard let raw = fields[name], !raw.isEmpty else { return nil }
        guard let d = LocalDate(raw) else {
            errors.append(FieldError(field: name, message: "must be a date YYYY-MM-DD"))
            return nil
        }
        return d
    }

    static func kindLabel(_ k: DebtorAccount.Kind) -> String {
        switch k {
        case .invoice: "Rechnung"
        case .feeItem: "Gebühr/Zinsen"
        case .payment: "Zahlung"
        case .paymentReturn: "Rücklastschrift"
        case .creditNote: "Gutschrift"
        case .creditApplied: "Guthaben verrechnet"
        case .writeOff: "Ausbuchung"
        case .dunningNotice: "Mahnung"
        case .dispute: "Beanstandung"
        }
    }
}
