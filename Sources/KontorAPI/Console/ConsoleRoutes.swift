import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorDocuments
import KontorEngine
import Mustache

/// The finance console under `/console`: server-rendered, no JavaScript. Login with e-mail and
/// password (`/console/login`); the session is an HttpOnly, SameSite=Strict cookie for
/// `/console` only; every form carries the session's CSRF secret (the login form a
/// double-submitted one of its own). A page without a session sends the browser to the login.
struct ConsoleRoutes {
    let engine: Engine
    let secureCookies: Bool

    var auth: ConsoleAuth { engine.console }
    var disputes: DisputeService { engine.disputes }
    var proposals: InstalmentProposalService { engine.proposals }
    var messages: MessageService { engine.messages }

    /// How long a page waits for an aggregate being computed before it shows what there is
    /// (and reloads itself): keeps every page under 300 ms even while totals are computed.
    static let totalsWait = Duration.milliseconds(150)

    static let sessionCookie = "kontor_console"
    static let loginCookie = "kontor_login"
    static let pages = PageTemplates.load(
        "Console",
        ["layout", "login", "overview", "message", "open_items", "dunning", "periods", "account", "balances", "queues"])

    func register(on router: RouterGroup<KontorRequestContext>) {
        let group = router.group("console")
        group.get("login", use: loginForm)
        group.post("login", use: login)
        group.post("logout", use: logout)
        group.get("", use: overview)
        group.get("open_items", use: openItemsPage)
        group.get("customers/{id}", use: debtorAccountPage)
        group.get("customers/{id}/statement.pdf", use: debtorStatementPDF)
        group.get("balances", use: balancesPage)
        group.get("queues", use: queuesPage)
        group.post("queues/bank/allocate", use: allocateCredit)
        group.post("queues/write_offs/propose", use: proposeWriteOff)
        group.post("queues/write_offs/decide", use: decideWriteOff)
        group.post("queues/instalments/decide", use: decideInstalments)
        group.post("queues/disputes/resolve", use: resolveDispute)
        group.get("dunning", use: dunningPage)
        group.post("dunning/release", use: releaseProposals)
        group.post("dunning/block", use: blockDunning)
        group.post("dunning/lift", use: liftBlock)
        group.post("dunning/postpone", use: postponeProposal)
        group.get("periods", use: periodsPage)
        group.post("periods/close", use: closePeriod)
        group.get("exports/gobd", use: exportGoBD)
    }

    func html(_ status: HTTPResponse.Status, _ template: String, _ context: [String: Any], cookies: [String] = [])
        -> Response
    {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            HTTPField.Name("Referrer-Policy")!: "no-referrer", HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            .contentSecurityPolicy:
                "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ]
        for c in cookies { headers.append(HTTPField(name: .setCookie, value: c)) }
        return Response(
            status: status, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: Self.pages.render(context, withTemplate: template) ?? "")))
    }

    func redirect(_ to: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: to, .cacheControl: "no-store"]
        for c in cookies { headers.append(HTTPField(name: .setCookie, value: c)) }
        return Response(status: .seeOther, headers: headers)
    }

    func cookie(_ name: String, _ value: String, maxAge: Int) -> String {
        "\(name)=\(value); Path=/console; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)"
            + (secureCookies ? "; Secure" : "")
    }

    static func value(_ name: String, in header: String?) -> String? {
        for part in (header ?? "").split(separator: ";") {
            let kv = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if kv.count == 2, kv[0] == name { return String(kv[1]) }
        }
        return nil
    }

    static func same(_ a: String?, _ b: String?) -> Bool {
        guard let a, let b, a.utf8.count == b.utf8.count, !a.isEmpty else { return false }
        return zip(a.utf8, b.utf8).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    func session(_ request: Request) async throws -> ConsoleSession? {
        guard let secret = Self.value(Self.sessionCookie, in: request.headers[.cookie]) else { return nil }
        return try await auth.session(cookie: secret)
    }

    func frame(_ s: ConsoleSession?, title: String) -> [String: Any] {
        var c: [String: Any] = ["title": title]
        if let s {
            c["tenant"] = s.tenant.name
            c["user"] = ["email": s.user.email, "role": s.user.role.rawValue]
            c["csrf"] = s.csrf
        }
        return c
    }

    // MARK: login

    @Sendable func loginForm(_ request: Request, context: KontorRequestContext) async throws -> Response {
        if try await session(request) != nil { return redirect("/console") }
        return loginPage(.ok, errors: [], email: "")
    }

    func loginPage(_ status: HTTPResponse.Status, errors: [String], email: String) -> Response {
        let csrf = String(PortalToken.make().dropFirst(3))
        var c = frame(nil, title: "Anmelden")
        c["login_csrf"] = csrf
        c["email"] = email
        c["has_errors"] = !errors.isEmpty
        c["errors"] = errors
        return html(status, "login", c, cookies: [cookie(Self.loginCookie, csrf, maxAge: 3600)])
    }

    @Sendable func login(_ request: Request, context: KontorRequestContext) async throws -> Response {
        var request = request
        let form = PortalForm(try await request.collectBody(upTo: PortalForm.maxBytes + 1).readableBytesView)
        guard let form, Self.same(form["csrf"], Self.value(Self.loginCookie, in: request.headers[.cookie])) else {
            return loginPage(
                .forbidden, errors: ["Das Formular ist abgelaufen. Bitte melden Sie sich erneut an."], email: "")
        }
        let email = form["email"] ?? ""
        var missing: [String] = []
        if email.trimmingWhitespace().isEmpty { missing.append("E-Mail: ist anzugeben") }
        if (form["password"] ?? "").isEmpty { missing.append("Passwort: ist anzugeben") }
        guard missing.isEmpty else { return loginPage(.unprocessableContent, errors: missing, email: email) }
        switch try await auth.login(email: email, password: form["password"] ?? "") {
        case .signedIn(let secret, _):
            return redirect(
                "/console",
                cookies: [
                    cookie(Self.sessionCookie, secret, maxAge: Int(LoginRules.sessionDuration)),
                    cookie(Self.loginCookie, "", maxAge: 0),
                ])
        case .wrong:
            return loginPage(.unauthorized, errors: ["E-Mail oder Passwort ist falsch."], email: email)
        case .locked(let until):
            let minutes = max(1, Int(until.timeIntervalSince(Date.now) / 60 + 0.5))
            return loginPage(
                .tooManyRequests,
                errors: ["Zu viele Fehlversuche: Die Anmeldung ist für \(minutes) Minuten gesperrt."], email: email)
        }
    }

    @Sendable func logout(_ request: Request, context: KontorRequestContext) async throws -> Response {
        var request = request
        let form = PortalForm(try await request.collectBody(upTo: PortalForm.maxBytes + 1).readableBytesView)
        guard let s = try await session(request) else { return redirect("/console/login") }
        guard Self.same(form?["csrf"], s.csrf) else {
            var c = frame(s, title: "Nicht möglich")
            c["text"] = "Das Formular kam nicht von dieser Sitzung; es wurde nichts geändert."
            return html(.forbidden, "message", c)
        }
        if let secret = Self.value(Self.sessionCookie, in: request.headers[.cookie]) {
            try await auth.logout(cookie: secret)
        }
        return redirect("/console/login", cookies: [cookie(Self.sessionCookie, "", maxAge: 0)])
    }

    // MARK: pages

    @Sendable func overview(_ request: Request, context: KontorRequestContext) async throws -> Response {
        guard let s = try await session(request) else { return redirect("/console/login") }
        let tenant = s.tenant
        let today = try await engine.openItemList.today(tenant: tenant)
        // Both slow aggregates wait at the same time, each at most `Self.totalsWait`.
        async let figures = engine.debtorAccounts.overview(today: today, tenant: tenant, wait: Self.totalsWait)
        let totals = try await engine.openItemList.totals(
            asOf: today, filter: OpenItemFilter(), tenant: tenant, wait: Self.totalsWait)
        var c = frame(s, title: "Übersicht")
        c["as_of"] = DocumentLanguage.de.date(today)
        fill(&c, totals)
        if case .current(let list) = totals, let first = list.first {
            let currency = Currency(code: first.currency) ?? .eur
            c["aging_chart"] = ConsoleCharts.bars(
                AgingBucket.allCases.map {
                    .init(
                        label: Self.bucketLabel($0), value: first.buckets[$0.rawValue] ?? 0,
                        caption: DocumentLanguage.de.money(first.buckets[$0.rawValue] ?? 0, currency))
                }, title: "Altersstruktur der offenen Posten (\(first.currency))")
        }
        fillOverview(&c, try await figures)
        c["disputes"] = try await disputes.list(
            customerID: nil, status: "open", limit: 100, startingAfter: nil, tenant: tenant
        ).disputes.count
        c["proposals"] = try await proposals.list(
            customerID: nil, status: "pending", limit: 100, startingAfter: nil, tenant: tenant
        ).proposals.count
        c["letters"] = try await messages.list(
            channel: "letter", status: "to_print", customerID: nil, limit: 100, startingAfter: nil, tenant: tenant
        ).messages.count
        return html(.ok, "overview", c)
    }

    /// DSO over twelve months (table and chart), disputed and at the agency.
    func fillOverview(_ c: inout [String: Any], _ figures: CachedAnswer<DebtorAccounts.Overview>) {
        let l = DocumentLanguage.de
        guard case .current(let o) = figures else {
            c["overview_computing"] = true
            c["refresh"] = 2
            return
        }
        let currencies = Set(o.disputed.keys).union(o.handedOver.keys).sorted()
        c["exposure"] = currencies.map { cur -> [String: Any] in
            let currency = Currency(code: cur) ?? .eur
            return [
                "currency": cur, "disputed": l.money(o.disputed[cur] ?? 0, currency),
                "handed_over": l.money(o.handedOver[cur] ?? 0, currency),
            ]
        }
        c["has_exposure"] = !currencies.isEmpty
        let months = o.months.filter { $0.currency == (o.months.first?.currency ?? "EUR") }
        c["dso"] = months.map { m -> [String: Any] in
            let currency = Currency(code: m.currency) ?? .eur
            return [
                "month": String(format: "%02d/%04d", m.month.month, m.month.year),
                "receivable": l.money(m.dso.receivables, currency), "sales": l.money(m.dso.revenue, currency),
                "days": m.dso.formatted.map { $0.replacingOccurrences(of: ".", with: ",") } ?? "—",
            ]
        }
        c["has_dso"] = !months.isEmpty
        c["dso_currency"] = months.first?.currency ?? ""
        c["dso_chart"] = ConsoleCharts.bars(
            months.map {
                .init(
                    label: String(format: "%02d/%02d", $0.month.month, $0.month.year % 100),
                    value: max(0, ($0.dso.hundredthsOfDays ?? 0) / 100),
                    caption: $0.dso.hundredthsOfDays.map { "\($0 / 100)" } ?? "—")
            }, title: "DSO in Tagen, letzte 12 Monate")
    }
}
