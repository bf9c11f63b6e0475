import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorTestSupport
import NIOCore
import Testing

/// The debtor portal through its pages: the link opens one customer's account; disputing an
/// item pauses its dunning, paying one settles it; every form refuses bad input on the page
/// with nothing written, and refuses a post without its CSRF field; a revoked link opens
/// nothing; the token never reaches the log.
@Suite struct PortalTests {
    /// A visitor's browser: the cookie jar of one portal and the last page's CSRF field.
    struct Browser {
        let client: any TestClientProtocol
        var cookie: String?
        var csrf: String?

        mutating func get(_ uri: String) async throws -> TestResponse {
            var headers: HTTPFields = [:]
            if let cookie { headers[.cookie] = cookie }
            let r = try await client.execute(uri: uri, method: .get, headers: headers, body: nil)
            remember(r)
            return r
        }

        mutating func post(_ uri: String, _ fields: [(String, String)], csrf: Bool = true) async throws -> TestResponse
        {
            var all = fields
            if csrf, let c = self.csrf { all.append(("csrf", c)) }
            let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            if let cookie { headers[.cookie] = cookie }
            let r = try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body))
            remember(r)
            return r
        }

        mutating func remember(_ r: TestResponse) {
            if let set = r.headers[.setCookie] { cookie = String(set.prefix { $0 != ";" }) }
            let html = r.text
            if let range = html.range(of: #"name="csrf" value=""#) {
                csrf = String(html[range.upperBound...].prefix { $0 != "\"" })
            }
        }

        static func encode(_ s: String) -> String {
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            return s.addingPercentEncoding(withAllowedCharacters: allowed)!
        }
    }

    struct Account {
        let customer: String
        let invoices: [(id: String, number: String, total: Int)]
        let link: String
        var path: String { URL(string: link)!.path }
    }

    func account(_ client: some TestClientProtocol, _ fx: APIFixture, invoices count: Int = 2, name: String = "Ada")
        async throws -> Account
    {
        let customer =
            try await client.post(
                "/v1/customers", fx,
                #"{"name": "\#(name) Muster", "kind": "consumer", "email": "ada@kunde.example", "locale": "de", "address": {"line1": "Hauptstraße 5", "postal_code": "80331", "city": "München", "country": "DE"}}"#
            ).json()["id"] as! String
        var invoices: [(String, String, Int)] = []
        for n in 0..<count {
            let i = try await client.post(
                "/v1/invoices", fx,
                #"{"customer": "\#(customer)", "currency": "EUR", "lines": [{"description": "Beratung \#(n)", "quantity": 1, "unit_amount": \#(10000 + n * 2500)}]}"#
            ).json()
            invoices.append((i["id"] as! String, i["number"] as! String, i["total"] as! Int))
        }
        let link = try await client.get("/v1/customers/\(customer)/portal_link", fx)
        #expect(link.status == .ok)
        return Account(customer: customer, invoices: invoices, link: try link.json()["url"] as! String)
    }

    @Test func theLinkShowsTheAccountAndADisputePausesDunningWhileAPaymentSettles() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let a = try await account(client, fx)
            #expect(a.path.hasPrefix("/portal/pt_"))
            var browser = Browser(client: client)
            let page = try await browser.get(a.path)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.cacheControl] == "no-store")
            #expect(page.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            #expect(page.headers[.setCookie]?.contains("HttpOnly") == true)
            #expect(page.text.contains(#"<html lang="de">"#))
            for i in a.invoices { #expect(page.text.contains(i.number)) }
            let balance = a.invoices.reduce(0) { $0 + $1.total }
            #expect(page.text.contains(Self.euro(balance, de: true)), "the balance")
            #expect(browser.csrf != nil)

            // Dispute the first, pay the second.
            let (disputed, paid) = (a.invoices[0], a.invoices[1])
            let form = try await browser.get("\(a.path)/items/\(disputed.id)/dispute")
            #expect(form.status == .ok)
            let sent = try await browser.post(
                "\(a.path)/items/\(disputed.id)/dispute", [("message", "Die Leistung wurde nicht erbracht.")])
            #expect(sent.status == .seeOther)
            let after = try await browser.get(sent.headers[.location]!)
            #expect(after.text.contains("Mahnungen für diesen Posten"), "the notice")
            #expect(after.text.contains("beanstandet"))
            let disputes = try await client.get("/v1/disputes?customer=\(a.customer)&status=open", fx)
            #expect(disputes.status == .ok)
            let d = try #require((try disputes.json()["data"] as? [[String: Any]])?.first)
            #expect(d["invoice"] as? String == disputed.id)
            #expect(d["source"] as? String == "portal")
            #expect(d["reason"] as? String == "Die Leistung wurde nicht erbracht.")
            #expect(try await fx.count("events WHERE type = 'dispute.created'") == 1)

            _ = try await browser.get("\(a.path)/items/\(paid.id)/pay")
            let payment = try await browser.post(
                "\(a.path)/items/\(paid.id)/pay", [("method", "card"), ("card_token", "tok_visa")])
            #expect(payment.status == .seeOther, "\(payment.text)")
            let invoice = try await client.get("/v1/invoices/\(paid.id)", fx).json()
            #expect(invoice["status"] as? String == "paid")
            let other = try await client.get("/v1/invoices/\(disputed.id)", fx).json()
            #expect(other["status"] as? String == "open")
            let page2 = try await browser.get(a.path)
            #expect(!page2.text.contains(paid.number), "a paid item is no longer open")
            #expect(page2.text.contains(disputed.number))

            // The documents download, as archived.
            _ = try await Engine(database: fx.database).archive.run(now: Date(), tenantID: fx.tenant.id)
            let pdf = try await browser.get("\(a.path)/items/\(disputed.id)/pdf")
            #expect(pdf.status == .ok)
            #expect(pdf.headers[.contentType] == "application/pdf")
            // The invoice letter prints the customer's portal link (and is still valid PDF/A-3).
            let report = try #require(
                try await PDFOracle.check(["invoice.pdf": Array(pdf.body.readableBytesView)])["invoice.pdf"])
            #expect(report.text.contains(a.link), "\(report.text)")
            #expect(report.pdfa == [])
            let xml = try await browser.get("\(a.path)/items/\(disputed.id)/xml")
            #expect(xml.status == .ok)
            #expect(xml.text.contains("CrossIndustryInvoice"))
            let statement = try await browser.get("\(a.path)/statement?as_of=\(Self.today)")
            #expect(statement.status == .ok)
            #expect(statement.headers[.contentType] == "application/pdf")
        }
    }

    /// `267,75 EUR` (German) or `267.75 EUR`.
    static func euro(_ minor: Int, de: Bool) -> String {
        "\(minor / 100)\(de ? "," : ".")\(String(format: "%02d", minor % 100)) EUR"
    }

    static var today: String { LocalDate(instant: Date(), in: TimeZone(identifier: "Europe/Berlin")!).description }

    @Test func aDeclinedCardSaysSoOnThePageAndTheItemStaysOpen() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let a = try await account(client, fx, invoices: 1)
            var browser = Browser(client: client)
            _ = try await browser.get("\(a.path)/items/\(a.invoices[0].id)/pay")
            let r = try await browser.post(
                "\(a.path)/items/\(a.invoices[0].id)/pay",
                [("method", "card"), ("card_token", "tok_insufficient_funds")])
            #expect(r.status.code == 402)
            #expect(r.text.contains("abgelehnt (insufficient_funds)"))
            #expect(try await client.get("/v1/invoices/\(a.invoices[0].id)", fx).json()["status"] as? String == "open")
            let sepa = try await browser.post(
                "\(a.path)/items/\(a.invoices[0].id)/pay",
                [
                    ("method", "sepa_debit"), ("account_holder", "Ada Muster"), ("iban", "DE89 3704 0044 0532 0130 00"),
                    ("mandate", "yes"),
                ])
            #expect(sepa.status == .seeOther, "\(sepa.text)")
            #expect(try await client.get("/v1/invoices/\(a.invoices[0].id)", fx).json()["status"] as? String == "paid")
        }
    }

    @Test func badInputOnEveryFormIsNamedOnThePageAndNothingIsWritten() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let a = try await account(client, fx)
            var browser = Browser(client: client)
            _ = try await browser.get(a.path)
            let item = a.invoices[0].id
            let tables = ["disputes", "instalment_proposals", "payment_methods", "payments", "events"]
            var before: [Int] = []
            for t in tables { before.append(try await fx.count(t)) }

            let cases: [(String, [(String, String)], [String])] = [
                ("/items/\(item)/dispute", [("message", "   ")], ["err-message", "Bitte schreiben Sie"]),
                ("/items/\(item)/dispute", [("message", String(repeating: "x", count: 501))], ["err-message"]),
                ("/items/\(item)/pay", [("method", "card")], ["err-card", "Bitte wählen Sie eine Karte"]),
                ("/items/\(item)/pay", [("method", "card"), ("card_token", "tok_made_up")], ["err-card"]),
                ("/items/\(item)/pay", [("method", "bitcoin")], ["err-card"]),
                (
                    "/items/\(item)/pay",
                    [
                        ("method", "sepa_debit"), ("account_holder", "Ada"), ("iban", "DE89370400440532013001"),
                        ("mandate", "yes"),
                    ],
                    ["err-iban", "keine gültige IBAN"]
                ),
                (
                    "/items/\(item)/pay", [("method", "sepa_debit"), ("account_holder", ""), ("iban", "nope")],
                    ["err-iban", "err-account_holder", "err-mandate"]
                ),
                (
                    "/proposals", [("instalments", "1"), ("first_due_date", "2001-01-01")],
                    ["err-invoices", "err-instalments", "err-first_due_date"]
                ),
                (
                    "/proposals", [("invoices", item), ("instalments", "zwölf"), ("first_due_date", "morgen")],
                    ["err-instalments", "err-first_due_date"]
                ),
                (
                    "/proposals", [("invoices", "inv_notmine"), ("instalments", "3"), ("first_due_date", Self.today)],
                    ["err-invoices"]
                ),
            ]
            for (path, fields, expected) in cases {
                let r = try await browser.post(a.path + path, fields)
                #expect(r.status == .unprocessableContent, "\(path) \(fields)")
                #expect(r.text.contains(#"role="alert""#), "\(path) \(fields)")
                for e in expected { #expect(r.text.contains(e), "\(path) \(fields): \(e)") }
                #expect(!r.text.contains("<script"), "nothing a visitor typed runs")
            }
            let card = try await browser.post(
                "\(a.path)/items/\(item)/dispute", [("message", "Meine Karte 4242 4242 4242 4242 wurde belastet")])
            #expect(card.status == .unprocessableContent)
            #expect(card.text.contains("Kartennummer"))
            #expect(!card.text.contains("4242 4242"), "the number is not shown again")
            let statement = try await browser.get("\(a.path)/statement?as_of=2099-01-01")
            #expect(statement.status == .unprocessableContent)
            #expect(statement.text.contains("err-as_of") || statement.text.contains("field-as_of"))
            let markup = try await browser.post(
                "\(a.path)/items/\(item)/dispute",
                [("message", String(repeating: "<script>alert(1)</script>", count: 30))])
            #expect(markup.status == .unprocessableContent)
            #expect(!markup.text.contains("<script>alert"), "echoed text is escaped")
            for (t, n) in zip(tables, before) { #expect(try await fx.count(t) == n, "\(t): nothing written") }
        }
    }

    @Test func aPostWithoutItsCSRFFieldOrCookieChangesNothing() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let a = try await account(client, fx, invoices: 1)
            let item = a.invoices[0].id
            var browser = Browser(client: client)
            _ = try await browser.get(a.path)
            let noField = try await browser.post(
                "\(a.path)/items/\(item)/dispute", [("message", "Falsch")], csrf: false)
            #expect(noField.status == .forbidden)
            #expect(noField.text.contains("Es wurde nichts gespeichert"))
            var stranger = Browser(client: client)
            stranger.csrf = browser.csrf
            let noCookie = try await stranger.post("\(a.path)/items/\(item)/dispute", [("message", "Falsch")])
            #expect(noCookie.status == .forbidden)
            var forged = browser
            forged.csrf = String(repeating: "A", count: 43)
            #expect(try await forged.post("\(a.path)/items/\(item)/dispute", [("message", "x")]).status == .forbidden)
            #expect(try await fx.count("disputes") == 0)
            // The field of one link is no good on another.
            let b = try await account(client, fx, invoices: 1, name: "Bea")
            var mixed = browser
            #expect(
                try await mixed.post("\(b.path)/items/\(b.invoices[0].id)/dispute", [("message", "x")]).status
                    == .forbidden)
            #expect(try await fx.count("disputes") == 0)
        }
    }

    @Test func aLinkOpensOnlyItsOwnCustomerAndARevokedLinkNothing() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let a = try await account(client, fx, invoices: 1)
            let b = try await account(client, fx, invoices: 1, name: "Bea")
            var browser = Browser(client: client)
            #expect(try await browser.get("\(a.path)/items/\(b.invoices[0].id)/pay").status == .notFound)
            #expect(try await browser.get("\(a.path)/items/\(b.invoices[0].id)/pdf").status == .notFound)
            _ = try await browser.get(a.path)
            #expect(
                try await browser.post("\(a.path)/items/\(b.invoices[0].id)/dispute", [("message", "x")]).status
                    == .notFound)
            #expect(try await browser.get("/portal/pt_" + String(repeating: "A", count: 43)).status == .notFound)
            #expect(try await browser.get("/portal/nonsense").status == .notFound)
            // The same link again; a rotated one replaces it; a revoked one opens nothing.
            #expect(
                try await client.get("/v1/customers/\(a.customer)/portal_link", fx).json()["url"] as? String == a.link)
            let rotated = try await client.send(.post, "/v1/customers/\(a.customer)/portal_link", key: fx.apiKey)
            #expect(rotated.status == .created)
            let path = URL(string: try rotated.json()["url"] as! String)!.path
            #expect(path != a.path)
            #expect(try await browser.get(a.path).status == .notFound)
            #expect(try await browser.get(path).status == .ok)
            let revoked = try await client.send(.delete, "/v1/customers/\(a.customer)/portal_link", key: fx.apiKey)
            #expect(revoked.status == .noContent)
            #expect(try await browser.get(path).status == .notFound)
            #expect(
                try await client.send(.delete, "/v1/customers/\(a.customer)/portal_link", key: fx.apiKey).status
                    == .notFound)
        }
    }

    @Test func theTokenNeverReachesTheLog() async throws {
        let capture = LogCapture()
        try await withTestAPI(logger: capture.logger()) { client, fx in
            try await fx.prepareForBilling()
            let a = try await account(client, fx, invoices: 1)
            var browser = Browser(client: client)
            _ = try await browser.get(a.path)
            _ = try await browser.post("\(a.path)/items/\(a.invoices[0].id)/dispute", [("message", "Falsch")])
            let token = String(a.path.dropFirst("/portal/".count))
            #expect(capture.text.contains("/portal/pt_…"), "requests are logged, redacted")
            #expect(!capture.text.contains(token))
        }
    }

    @Test func anInstalmentProposalIsAcceptedIntoAPaymentPlanOrDeclined() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let a = try await account(client, fx)
            var browser = Browser(client: client)
            _ = try await browser.get(a.path)
            let first = LocalDate(Self.today)!.adding(days: 10).description
            let sent = try await browser.post(
                "\(a.path)/proposals",
                [
                    ("invoices", a.invoices[0].id), ("invoices", a.invoices[1].id), ("instalments", "3"),
                    ("first_due_date", first), ("message", "Bitte in drei Raten."),
                ])
            #expect(sent.status == .seeOther, "\(sent.text)")
            let again = try await browser.post(
                "\(a.path)/proposals",
                [("invoices", a.invoices[0].id), ("instalments", "2"), ("first_due_date", first)])
            #expect(again.status == .conflict, "one pending proposal at a time")
            let list = try await client.get("/v1/instalment_proposals?status=pending", fx)
            #expect(list.status == .ok)
            let p = try #require((try list.json()["data"] as? [[String: Any]])?.first)
            let amount = a.invoices[0].total + a.invoices[1].total
            #expect(p["amount"] as? Int == amount)
            #expect(p["message"] as? String == "Bitte in drei Raten.")
            let schedule = p["instalments"] as! [[String: Any]]
            #expect(schedule.map { $0["amount"] as! Int }.reduce(0, +) == amount)
            #expect(schedule.count == 3)
            #expect(schedule.first?["due_date"] as? String == first)
            let id = p["id"] as! String
            let accepted = try await client.post(
                "/v1/instalment_proposals/\(id)/accept", fx, #"{"note": "Einverstanden"}"#)
            #expect(accepted.status == .ok)
            let json = try accepted.json()
            #expect(json["status"] as? String == "accepted")
            let plans =
                try await client.get("/v1/customers/\(a.customer)/payment_plans", fx).json()["data"] as! [[String: Any]]
            #expect(plans.count == 1)
            #expect(plans.first?["id"] as? String == json["payment_plan"] as? String)
            #expect(try await client.post("/v1/instalment_proposals/\(id)/decline", fx, "{}").status == .conflict)
            let page = try await browser.get(a.path)
            #expect(page.text.contains("angenommen"))
            #expect(page.text.contains("in Ratenzahlung"))
            // A second proposal can be declined.
            _ = try await browser.post(
                "\(a.path)/proposals",
                [("invoices", a.invoices[0].id), ("instalments", "2"), ("first_due_date", first)])
            let second =
                try await client.get("/v1/instalment_proposals?status=pending", fx).json()["data"]
                as! [[String: Any]]
            let declined = try await client.post(
                "/v1/instalment_proposals/\(second[0]["id"] as! String)/decline", fx,
                #"{"note": "Bitte zahlen Sie bis Monatsende."}"#)
            #expect(declined.status == .ok)
            #expect(try declined.json()["status"] as? String == "declined")
            #expect(try await fx.count("events WHERE type LIKE 'instalment_proposal.%'") == 4)
        }
    }

    @Test func thePageIsEnglishForAnEnglishCustomerOrOnRequest() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let a = try await account(client, fx, invoices: 1)
            var browser = Browser(client: client)
            let en = try await browser.get(a.path + "?lang=en")
            #expect(en.text.contains(#"<html lang="en">"#))
            #expect(en.text.contains("Open items"))
            #expect(en.text.contains(Self.euro(a.invoices[0].total, de: false)))
            let css = try await browser.get("/portal/assets/portal.css")
            #expect(css.status == .ok)
        }
    }
}
