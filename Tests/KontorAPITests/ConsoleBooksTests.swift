import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import Testing

/// The finance console's books and queues: the debtor account runs its balance, the
/// Saldenliste reconciles with the receivable account and the OP-Liste, an unmatched credit is
/// allocated from its suggestion, a write-off above the threshold needs a second person, and an
/// auditor changes nothing.
@Suite struct ConsoleBooksTests {
    typealias Visitor = ConsoleTests.Visitor

    func signIn(_ client: some TestClientProtocol, _ fx: APIFixture, _ email: String, role: String) async throws
        -> Visitor
    {
        _ = try await ConsoleTests().user(fx, email: email, role: role)
        var v = Visitor(client: client)
        #expect(try await v.login(email, ConsoleTests.password).status == .seeOther)
        return v
    }

    func customer(_ client: some TestClientProtocol, _ fx: APIFixture, _ name: String) async throws -> String {
        try await DunningReviewTests().customer(client, fx, name: name)
    }

    func issue(_ client: some TestClientProtocol, _ fx: APIFixture, _ cus: String, _ net: Int) async throws
        -> [String: Any]
    {
        try await DunningReviewTests().invoice(client, fx, cus, net)
    }

    static func minor(_ id: String, in html: String) -> [Int64] {
        // Every data-minor value of the table with this id, in order.
        guard let start = html.range(of: #"<table id="\#(id)">"#),
            let end = html[start.upperBound...].range(of: "</table>")
        else { return [] }
        return html[start.upperBound..<end.lowerBound].components(separatedBy: #"data-minor=""#).dropFirst().compactMap
        {
            Int64($0.prefix { $0 != "\"" })
        }
    }

    @Test func theDebtorAccountRunsItsBalanceAndTheSaldenlisteReconcilesWithTheOPListe() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let greta = try await customer(client, fx, "Greta GmbH")
            let hans = try await customer(client, fx, "Hans KG")
            let a = try await issue(client, fx, greta, 10000)
            let b = try await issue(client, fx, greta, 20000)
            _ = try await issue(client, fx, hans, 5000)
            let paid = try await client.post(
                "/v1/payments", fx, #"{"customer": "\#(greta)", "amount": 5000, "currency": "EUR"}"#)
            #expect(paid.status == .created)
            var v = try await signIn(client, fx, "fibu@test.example", role: "finance")
            let account = try await v.get("/console/customers/\(greta)?from=2027-01-01&to=2027-03-31")
            #expect(account.status == .ok)
            let text = account.text
            for needle in [a["number"] as! String, b["number"] as! String, "Rechnung", "Zahlung"] {
                #expect(text.contains(needle), "\(needle)")
            }
            // 119,00 + 238,00 − 50,00: the closing balance is what is open.
            #expect(Self.minor("balances", in: text) == [30700])
            #expect(text.contains("307,00"), "the running balance after the payment")
            // The Saldenliste: one row per debtor, totals reconciled with the account.
            let list = try await v.get("/console/balances?from=2027-03-01&to=2027-03-31")
            #expect(list.status == .ok)
            #expect(Self.minor("rows", in: list.text).sorted() == [5950, 30700])
            var totals = list
            for _ in 0..<20 where Self.minor("totals", in: totals.text).isEmpty {
                try await Task.sleep(for: .milliseconds(200))
                totals = try await v.get("/console/balances?from=2027-03-01&to=2027-03-31")
            }
            #expect(Self.minor("totals", in: totals.text) == [36650])
            #expect(totals.text.contains("abgestimmt") && !totals.text.contains("NICHT abgestimmt"))
            let report = try await client.get("/v1/reports/open_items?as_of=2027-03-31", fx).json()
            let open = (report["totals"] as! [[String: Any]]).first!["open_total"] as! Int
            #expect(open == 36650, "the Saldenliste's closing balances are the OP-Liste's total")
            // Bad spans and unknown debtors are refused by name.
            #expect(try await v.get("/console/balances?from=2027-03-31&to=2027-03-01").status == .unprocessableContent)
            #expect(try await v.get("/console/balances?from=gestern").status == .unprocessableContent)
            #expect(try await v.get("/console/customers/\(greta)?to=bald").status == .unprocessableContent)
            #expect(try await v.get("/console/customers/cus_nobody").status == .notFound)
            // The overview: aging chart, DSO of twelve months (the computation may take a reload).
            var overview = try await v.get("/console")
            for _ in 0..<20 where !overview.text.contains(#"id="dso""#) {
                try await Task.sleep(for: .milliseconds(200))
                overview = try await v.get("/console")
            }
            #expect(overview.text.contains("<svg") && overview.text.contains(#"id="aging-chart""#))
            #expect(overview.text.components(separatedBy: #"<tr><th scope="row">"#).count >= 13, "12 DSO months")
            #expect(overview.text.contains("03/2027"))
            let pdf = try await v.get("/console/customers/\(greta)/statement.pdf?as_of=2027-03-31")
            #expect(pdf.status == .ok && pdf.headers[.contentType] == "application/pdf")
        }
    }

    @Test func anUnmatchedCreditIsAllocatedFromItsSuggestionAndBigWriteOffsNeedASecondPerson() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let greta = try await customer(client, fx, "Greta GmbH")
            let small = try await issue(client, fx, greta, 10000)
            let big = try await issue(client, fx, greta, 50000)
            // A part payment under the customer's name without an invoice number: not matched alone.
            let xml = camt053(
                id: "Q1",
                entries: [
                    creditEntry(ref: "Q1-1", amount: 4000, date: "2027-03-01", text: "Abschlag", name: "Greta GmbH")
                ])
            let imported = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml)
            #expect(try imported.json()["unmatched"] as? Int == 1)
            var finance = try await signIn(client, fx, "fibu@test.example", role: "finance")
            let queue = try await finance.get("/console/queues")
            #expect(queue.status == .ok)
            #expect(queue.text.contains("Name des Zahlers") && queue.text.contains(small["number"] as! String))
            let csrf = try #require(Visitor.field("csrf", in: queue.text))
            let tx = try #require(Visitor.field("transaction", in: queue.text))
            let allocated = try await finance.post(
                "/console/queues/bank/allocate", [("csrf", csrf), ("transaction", tx), ("customer", greta)])
            #expect(allocated.status == .seeOther)
            let after = try await client.get("/v1/invoices/\(small["id"] as! String)", fx).json()
            #expect(after["amount_paid"] as? Int == 4000, "oldest first")
            #expect(!(try await finance.get("/console/queues")).text.contains(tx))
            let bad = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey, json: #"{"write_off_approval_above": -1}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.errorFields() == ["write_off_approval_above"])
            let set = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey, json: #"{"write_off_approval_above": 30000}"#)
            #expect(try set.json()["write_off_approval_above"] as? Int == 30000)
            // Above the threshold (300,00): proposed, still open, the proposer cannot approve.
            let proposed = try await finance.post(
                "/console/queues/write_offs/propose",
                [("csrf", csrf), ("invoice", big["id"] as! String), ("reason", "Insolvenz")])
            #expect(proposed.status == .seeOther)
            let pending = try await Engine(database: fx.database).receivables.writeOffProposals(
                status: "pending", tenant: fx.tenant)
            #expect(pending.count == 1)
            let own = try await finance.post(
                "/console/queues/write_offs/decide",
                [("csrf", csrf), ("proposal", pending[0].id), ("decision", "approve")])
            #expect(own.status == .forbidden, "four eyes")
            #expect(
                try await client.get("/v1/invoices/\(big["id"] as! String)", fx).json()["status"] as? String == "open")
            // Bad proposals name the field; nothing written.
            let noReason = try await finance.post(
                "/console/queues/write_offs/propose",
                [("csrf", csrf), ("invoice", small["id"] as! String), ("reason", "")])
            #expect(noReason.status == .unprocessableContent && noReason.text.contains("reason"))
            var boss = try await signIn(client, fx, "chefin@test.example", role: "admin")
            let bossCSRF = try #require(Visitor.field("csrf", in: try await boss.get("/console/queues").text))
            let approved = try await boss.post(
                "/console/queues/write_offs/decide",
                [("csrf", bossCSRF), ("proposal", pending[0].id), ("decision", "approve")])
            #expect(approved.status == .seeOther)
            let written = try await client.get("/v1/invoices/\(big["id"] as! String)", fx).json()
            #expect(written["amount_written_off"] as? Int == 59500)
            // Up to the threshold the proposer writes off at once.
            _ = try await finance.post(
                "/console/queues/write_offs/propose",
                [("csrf", csrf), ("invoice", small["id"] as! String), ("reason", "Kleinbetrag")])
            #expect(
                try await client.get("/v1/invoices/\(small["id"] as! String)", fx).json()["amount_written_off"] as? Int
                    == 7900)
        }
    }

    @Test func anAuditorReadsEveryPageButEveryFormIsRefusedAndNothingIsWritten() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let greta = try await customer(client, fx, "Greta GmbH")
            let inv = try await issue(client, fx, greta, 10000)
            let pages = [
                "/console", "/console/open_items", "/console/balances", "/console/customers/\(greta)",
                "/console/queues", "/console/dunning", "/console/periods",
            ]
            var anonymous = Visitor(client: client)
            for page in pages + ["/console/exports/gobd?period=2027-01", "/console/open_items?format=csv"] {
                let r = try await anonymous.get(page)
                #expect(r.status == .seeOther && r.headers[.location] == "/console/login", "\(page) without a session")
            }
            var auditor = try await signIn(client, fx, "pruefer@test.example", role: "auditor")
            var csrf = ""
            for page in pages {
                let r = try await auditor.get(page)
                #expect(r.status == .ok, "\(page)")
                csrf = Visitor.field("csrf", in: r.text) ?? csrf
            }
            let before = try await fx.count("audit_log")
            let forms: [(String, [(String, String)])] = [
                ("/console/queues/bank/allocate", [("transaction", "btx_x"), ("customer", greta)]),
                ("/console/queues/write_offs/propose", [("invoice", inv["id"] as! String), ("reason", "x")]),
                ("/console/queues/write_offs/decide", [("proposal", "wop_x"), ("decision", "approve")]),
                ("/console/queues/instalments/decide", [("proposal", "ipr_x"), ("decision", "accept")]),
                ("/console/queues/disputes/resolve", [("dispute", "dsp_x")]),
                ("/console/dunning/release", [("proposal", "dpr_x")]),
                ("/console/dunning/block", [("customer", greta), ("reason", "x"), ("until", "2027-12-31")]),
                ("/console/dunning/lift", [("block", "dbl_x")]),
                ("/console/dunning/postpone", [("proposal", "dpr_x")]),
                ("/console/periods/close", [("period", "2026-01")]),
            ]
            for (uri, fields) in forms {
                let r = try await auditor.post(uri, [("csrf", csrf)] + fields)
                #expect(r.status == .forbidden, "\(uri)")
            }
            // A finance user without the session's CSRF field is refused the same way.
            var finance = try await signIn(client, fx, "fibu@test.example", role: "finance")
            for (uri, fields) in forms {
                let r = try await finance.post(uri, [("csrf", "forged")] + fields)
                #expect(r.status == .forbidden, "\(uri) without CSRF")
            }
            #expect(try await fx.count("audit_log") == before)
            #expect(try await fx.count("write_off_proposals") == 0)
            #expect(try await fx.count("dunning_blocks") == 0)
            #expect(try await fx.count("period_closes") == 0)
        }
    }

    @Test func writeOffProposalsThroughTheAPINeedSomeoneOtherThanTheKeyThatProposed() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let greta = try await customer(client, fx, "Greta GmbH")
            let big = try await issue(client, fx, greta, 50000)
            for (body, field) in [
                (#"{"reason": "x"}"#, "invoice"), (#"{"invoice": "\#(big["id"] as! String)", "reason": ""}"#, "reason"),
                (#"{"invoice": "inv_nothing", "reason": "x"}"#, "invoice"),
            ] {
                let r = try await client.post("/v1/write_off_proposals", fx, body)
                #expect([422, 404].contains(r.status.code), "\(body)")
                if r.status == .unprocessableContent { #expect(try r.errorFields() == [field], "\(body)") }
            }
            #expect(try await fx.count("write_off_proposals") == 0)
            let made = try await client.post(
                "/v1/write_off_proposals", fx, #"{"invoice": "\#(big["id"] as! String)", "reason": "Insolvenz"}"#)
            #expect(made.status == .created)
            let p = try made.json()
            #expect(p["status"] as? String == "pending" && (p["proposed_by"] as? String ?? "").hasPrefix("api_key:"))
            let again = try await client.post(
                "/v1/write_off_proposals", fx, #"{"invoice": "\#(big["id"] as! String)", "reason": "doppelt"}"#)
            #expect(again.status == .conflict, "one pending proposal per item")
            let own = try await client.post("/v1/write_off_proposals/\(p["id"] as! String)/approve", fx, "{}")
            #expect(own.status == .forbidden)
            var boss = try await signIn(client, fx, "chefin@test.example", role: "admin")
            let csrf = try #require(Visitor.field("csrf", in: try await boss.get("/console/queues").text))
            let rejected = try await boss.post(
                "/console/queues/write_offs/decide",
                [("csrf", csrf), ("proposal", p["id"] as! String), ("decision", "reject")])
            #expect(rejected.status == .seeOther)
            let list =
                try await client.get("/v1/write_off_proposals?status=rejected", fx).json()["data"] as! [[String: Any]]
            #expect(list.count == 1 && (list[0]["decided_by"] as? String ?? "").hasPrefix("user:"))
            #expect(
                try await client.get("/v1/invoices/\(big["id"] as! String)", fx).json()["status"] as? String == "open")
            #expect(try await client.get("/v1/write_off_proposals?status=nope", fx).status == .unprocessableContent)
        }
    }

    @Test func anotherTenantsUserSeesNoneOfThisTenantsBooksAndCanDecideNothing() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let greta = try await customer(client, fx, "Greta GmbH")
            let big = try await issue(client, fx, greta, 50000)
            let proposal =
                try await client.post(
                    "/v1/write_off_proposals", fx, #"{"invoice": "\#(big["id"] as! String)", "reason": "Insolvenz"}"#
                ).json()["id"] as! String
            let xml = camt053(
                id: "X1",
                entries: [creditEntry(ref: "X1-1", amount: 700, date: "2027-03-01", text: "x", name: "Greta GmbH")])
            _ = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml)
            let (other, _) = try await fx.otherTenant()
            _ = try await ConsoleTests().user(fx, email: "fremd@other.example", role: "admin", tenant: other.id)
            var stranger = Visitor(client: client)
            #expect(try await stranger.login("fremd@other.example", ConsoleTests.password).status == .seeOther)
            #expect(try await stranger.get("/console/customers/\(greta)").status == .notFound)
            for page in [
                "/console/open_items?customer=\(greta)", "/console/balances", "/console/queues", "/console/open_items",
                "/console/open_items?format=csv", "/console",
            ] {
                let r = try await stranger.get(page)
                #expect(r.status == .ok, "\(page)")
                // The filter echoes the id asked for; nothing of the customer's comes back.
                let shown = r.text.replacingOccurrences(of: #"value="\#(greta)""#, with: "")
                    .replacingOccurrences(of: "customer=\(greta)", with: "")
                #expect(!shown.contains(greta) && !shown.contains("Greta"), "\(page)")
                #expect(!shown.contains(big["number"] as! String), "\(page)")
            }
            let csrf = try #require(Visitor.field("csrf", in: try await stranger.get("/console/queues").text))
            let decided = try await stranger.post(
                "/console/queues/write_offs/decide", [("csrf", csrf), ("proposal", proposal), ("decision", "approve")])
            #expect(decided.status == .unprocessableContent, "not found in this tenant")
            let tx =
                try await client.get("/v1/bank_transactions?status=unmatched", fx).json()["data"] as! [[String: Any]]
            let allocated = try await stranger.post(
                "/console/queues/bank/allocate",
                [("csrf", csrf), ("transaction", tx[0]["id"] as! String), ("customer", greta)])
            #expect(allocated.status == .unprocessableContent)
            #expect(
                try await client.get("/v1/invoices/\(big["id"] as! String)", fx).json()["status"] as? String == "open")
            let still =
                try await client.get("/v1/bank_transactions?status=unmatched", fx).json()["data"] as! [[String: Any]]
            #expect(still.count == 1)
        }
    }
}
