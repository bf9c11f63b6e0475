import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorMail
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// Every kind of message against a real SMTP server: the tenant's own Mustache templates,
/// receipts, SEPA pre-notifications, card-expiry notices with the link that replaces the card,
/// a dunning level's channel (e-mail, letter to print, nothing), and XRechnung-only customers.
@Suite(.serialized) struct MessageKindsTests {
    func mailer(_ fx: APIFixture, _ server: SMTPTestServer) throws -> Engine {
        Engine(
            database: fx.database,
            mail: SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)")))
    }

    func send(_ engine: Engine, _ fx: APIFixture) async throws {
        _ = try await engine.archive.run(now: Date(), tenantID: fx.tenant.id)
        _ = try await engine.mail.run(now: Date(), tenantID: fx.tenant.id)
    }

    func customer(
        _ client: some TestClientProtocol, _ fx: APIFixture, name: String = "Kundin GmbH", extra: String = ""
    ) async throws -> String {
        let r = try await client.post(
            "/v1/customers", fx,
            #"{"name": "\#(name)", "kind": "business", "email": "ap@kundin.example", "locale": "de", "address": {"line1": "Hauptstraße 5", "postal_code": "80331", "city": "München", "country": "DE"}\#(extra)}"#
        )
        #expect(r.status == .created, "\(r.text)")
        return try r.json()["id"] as! String
    }

    func invoice(_ client: some TestClientProtocol, _ fx: APIFixture, customer: String, extra: String = "")
        async throws -> [String: Any]
    {
        try await client.post(
            "/v1/invoices", fx,
            #"{"customer": "\#(customer)", "currency": "EUR", "lines": [{"description": "Setup", "quantity": 1, "unit_amount": 10000}]\#(extra)}"#
        ).json()
    }

    func sender(_ client: some TestClientProtocol, _ fx: APIFixture, extra: String = "") async throws {
        let r = try await client.send(
            .patch, "/v1/tenant", key: fx.apiKey, json: #"{"contact_email": "billing@test.example"\#(extra)}"#)
        #expect(r.status == .ok, "\(r.text)")
    }

    @Test func aTenantsTemplateWritesItsMailsAndATemplateThatDoesNotParseIsRefused() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await sender(client, fx)
            let list = try await client.get("/v1/message_templates", fx)
            #expect(list.status == .ok)
            let all = try list.json()["data"] as! [[String: Any]]
            #expect(all.count == MessageTemplateKind.allCases.count * 2)
            #expect(all.allSatisfy { $0["custom"] as? Bool == false })
            let path = "/v1/message_templates/invoice/de"
            let broken = try await client.send(
                .put, path, key: fx.apiKey,
                json: #"{"subject": "Rechnung {{number}}", "text": "{{#sepa}}offen", "html": "<p>{{number}}</p>"}"#)
            #expect(broken.status == .unprocessableContent)
            #expect(try broken.errorFields() == ["text"])
            let empty = try await client.send(
                .put, path, key: fx.apiKey, json: #"{"subject": "", "text": "x", "html": "<p>x</p>"}"#)
            #expect(try empty.errorFields() == ["subject"])
            let missing = try await client.send(.put, path, key: fx.apiKey, json: #"{"subject": "x", "text": "x"}"#)
            #expect(try missing.errorFields() == ["html"])
            #expect(
                try await client.send(
                    .put, "/v1/message_templates/fax/de", key: fx.apiKey,
                    json: #"{"subject": "x", "text": "x", "html": "x"}"#
                ).status == .notFound)
            #expect(try await fx.count("message_templates") == 0, "nothing written")
            let set = try await client.send(
                .put, path, key: fx.apiKey,
                json:
                    #"{"subject": "Ihre Rechnung {{number}} von {{seller_name}}", "text": "Hallo {{customer_name}}, {{amount}} bis {{due_date}}.\n{{portal_url}}\n", "html": "<p>Hallo {{customer_name}}</p>"}"#
            )
            #expect(set.status == .ok, "\(set.text)")
            #expect(try set.json()["custom"] as? Bool == true)
            let badFrom = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey,
                json: #"{"mail_from_address": "nope", "mail_from_name": "A <b>"}"#)
            #expect(try badFrom.errorFields() == ["mail_from_name", "mail_from_address"])
            try await sender(
                client, fx,
                extra: #", "mail_from_name": "Test Buchhaltung", "mail_from_address": "rechnung@test.example""#)
            let cus = try await customer(client, fx, name: "Ada & <b>Co</b>")
            let issued = try await invoice(client, fx, customer: cus)
            try await send(try mailer(fx, server), fx)
            let m = try #require(try server.messages().first)
            #expect(m.subject == "Ihre Rechnung \(issued["number"] as! String) von Test GmbH")
            #expect(m.from == "Test Buchhaltung <rechnung@test.example>")
            #expect(m.text?.hasPrefix("Hallo Ada & <b>Co</b>, 119,00 EUR bis ") == true, "\(m.text ?? "")")
            #expect(m.text?.contains("/portal/pt_") == true)
            #expect(m.html?.contains("Hallo Ada &amp; &lt;b&gt;Co&lt;/b&gt;") == true, "HTML escapes: \(m.html ?? "")")
            #expect(try await client.send(.delete, path, key: fx.apiKey).status == .noContent)
            #expect(try await client.send(.delete, path, key: fx.apiKey).status == .notFound)
        }
    }

    @Test func aDebitedInvoiceCarriesThePreNotificationAndEveryPaymentGetsAReceipt() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await sender(client, fx, extra: #", "sepa_creditor_id": "DE98ZZZ09999999999""#)
            let cus = try await customer(client, fx)
            let pm = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "M-2026-7"}}"#
            )
            #expect(pm.status == .created, "\(pm.text)")
            let issued = try await invoice(
                client, fx, customer: cus, extra: #", "collection_method": "charge_automatically""#)
            let number = issued["number"] as! String
            try await send(try mailer(fx, server), fx)
            let received = try server.messages()
            let bill = try #require(received.first { $0.subject == "Rechnung \(number)" })
            #expect(bill.text?.contains("Vorabankündigung") == true, "\(bill.text ?? "")")
            #expect(bill.text?.contains("DE89 •••• 3000") == true)
            #expect(bill.text?.contains("M-2026-7") == true)
            #expect(bill.text?.contains("DE98ZZZ09999999999") == true)
            let receipt = try #require(
                received.first { $0.subject == "Zahlungsbestätigung \(number)" }, "\(received.map(\.subject))")
            #expect(receipt.text?.contains("119,00 EUR (SEPA-Lastschrift)") == true, "\(receipt.text ?? "")")
            let log = try await client.get("/v1/customers/\(cus)/messages", fx).json()["data"] as! [[String: Any]]
            #expect(Set(log.compactMap { $0["kind"] as? String }) == ["document", "receipt"])
        }
    }

    @Test func aCardAboutToExpireGetsANoticeWhoseLinkReplacesIt() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await sender(client, fx)
            try await client.freezeClock(at: "2027-11-01T10:00:00Z", fx)
            let cus = try await customer(client, fx)
            let card =
                try await client.post(
                    "/v1/payment_methods", fx,
                    #"{"customer": "\#(cus)", "type": "card", "card": {"token": "tok_old", "brand": "visa", "last4": "1234", "exp_month": 12, "exp_year": 2027}}"#
                ).json()["id"] as! String
            try await client.advanceClock(to: "2027-12-05T00:00:00Z", fx)
            try await send(try mailer(fx, server), fx)
            let m = try #require(try server.messages().first { $0.subject == "Ihre Karte läuft ab" })
            #expect(m.text?.contains("Visa-Karte mit der Endung 1234 läuft Ende 12/2027 ab") == true, "\(m.text ?? "")")
            let link = try #require(
                m.text?.split(separator: "\n").first { $0.contains("/payment_method") }.map(String.init))
            let path = URL(string: link.trimmingCharacters(in: .whitespaces))!.path
            #expect(path.hasSuffix("/payment_method"))
            var browser = PortalTests.Browser(client: client)
            let page = try await browser.get(path)
            #expect(page.status == .ok)
            #expect(page.text.contains("Visa •••• 1234"))
            let bad = try await browser.post(
                path, [("method", "sepa_debit"), ("iban", "DE00"), ("account_holder", "A")])
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("err-iban") && bad.text.contains("err-mandate"))
            let saved = try await browser.post(path, [("method", "card"), ("card_token", "tok_mastercard")])
            #expect(saved.status == .seeOther, "\(saved.text)")
            let methods =
                try await client.get("/v1/payment_methods?customer=\(cus)", fx).json()["data"] as! [[String: Any]]
            let now = try #require(methods.first { $0["is_default"] as? Bool == true })
            #expect(now["id"] as? String != card)
            #expect((now["card"] as? [String: Any])?["last4"] as? String == "4444")
        }
    }

    @Test func aDunningLevelsChannelSendsAnEmailQueuesALetterOrSendsNothing() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await sender(client, fx)
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let bad = try await client.send(
                .put, "/v1/dunning_policies/post", key: fx.apiKey,
                json: #"{"code": "post", "levels": [{"name": "Erinnerung", "after_days": 7, "channel": "fax"}]}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.errorFields() == ["levels[0].channel"])
            let put = try await client.send(
                .put, "/v1/dunning_policies/post", key: fx.apiKey,
                json: #"""
                    {"code": "post", "name": "By post", "levels": [
                      {"name": "Zahlungserinnerung", "after_days": 7, "channel": "email"},
                      {"name": "1. Mahnung", "after_days": 21, "channel": "letter"},
                      {"name": "2. Mahnung", "after_days": 35, "channel": "none"}]}
                    """#)
            #expect(put.status == .ok, "\(put.text)")
            let cus = try await customer(client, fx, extra: #", "dunning_policy": "post""#)
            _ = try await invoice(client, fx, customer: cus)
            let engine = try mailer(fx, server)
            for day in ["2027-03-25", "2027-04-08", "2027-04-22"] {
                try await client.advanceClock(to: "\(day)T09:00:00Z", fx)
                try await send(engine, fx)
            }
            let notices = try await client.get("/v1/customers/\(cus)/dunning", fx).json()["notices"] as! [[String: Any]]
            #expect(notices.count == 3, "every level was reached and archived")
            let mailed = try server.messages().filter { $0.subject.hasPrefix("Zahlungserinnerung") }
            #expect(mailed.count == 1)
            #expect(
                try server.messages().count == 2,
                "the invoice and the reminder; the letter and the last level are not e-mailed")
            let queue = try await client.get("/v1/messages?channel=letter&status=to_print", fx)
            #expect(queue.status == .ok)
            let letters = try queue.json()["data"] as! [[String: Any]]
            #expect(letters.count == 1)
            #expect(letters.first?["source_type"] as? String == "dunning_notice")
            let id = letters.first?["id"] as! String
            let posted = try await client.post("/v1/messages/\(id)/posted", fx, "{}")
            #expect(posted.status == .ok)
            #expect(try posted.json()["status"] as? String == "sent")
            #expect(try await client.post("/v1/messages/\(id)/posted", fx, "{}").status == .notFound)
            #expect(try await client.get("/v1/messages?channel=pigeon", fx).status == .unprocessableContent)
            #expect(try await fx.count("messages WHERE source_type = 'dunning_notice'") == 2, "none: nothing made")
        }
    }

    @Test func aCustomerWhoWantsXMLGetsTheArchivedXRechnungOnly() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await sender(
                client, fx,
                extra:
                    #", "contact_name": "Buchhaltung", "contact_phone": "+49 30 123456", "electronic_address": "rechnung@test.example", "bank_iban": "DE89370400440532013000""#
            )
            let wrong = try await client.send(
                .post, "/v1/customers", key: fx.apiKey,
                json: #"{"name": "X", "kind": "business", "invoice_delivery": "fax", "address": {"country": "DE"}}"#)
            #expect(try wrong.errorFields() == ["invoice_delivery"])
            let cus = try await customer(client, fx, extra: #", "invoice_delivery": "xrechnung""#)
            #expect(
                try await client.get("/v1/customers/\(cus)", fx).json()["invoice_delivery"] as? String == "xrechnung")
            let issued = try await invoice(client, fx, customer: cus)
            try await send(try mailer(fx, server), fx)
            let m = try #require(try server.messages().first)
            #expect(m.attachments.map(\.contentType) == ["application/xml"])
            let rows = try await fx.database.client.query(
                "SELECT sha256 FROM documents WHERE source_id = \(issued["id"] as! String) AND format = 'ubl'",
                logger: fx.database.logger)
            var ubl: String?
            for try await sha in rows.decode(String.self) { ubl = sha }
            #expect(m.attachments.map(\.sha256) == [ubl ?? "?"], "the archived XRechnung")
            #expect(m.text?.contains("XRechnung") == true)
            #expect(try server.messages().count == 1, "no PDF as well")
        }
    }
}
