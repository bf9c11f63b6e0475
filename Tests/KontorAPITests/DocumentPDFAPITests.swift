import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorTestSupport
import NIOCore
import Testing

/// `GET /v1/invoices/{id}/pdf`, `/v1/credit_notes/{id}/pdf`, `/v1/dunning_notices/{id}/pdf`
/// and `/v1/customers/{id}/statement`: PDF/A-3 letters archived once, served as stored, in the
/// customer's language, with the tenant's logo and footer.
@Suite struct DocumentPDFAPITests {
    func seller(_ client: some TestClientProtocol, _ fx: APIFixture) async throws {
        let patch = try await client.send(
            .patch, "/v1/tenant", key: fx.apiKey,
            json: """
                {"bank_iban": "DE02120300000000202051", "bank_bic": "BYLADEM1001", "contact_email": "billing@test.example",
                 "contact_name": "Erika Mustermann", "contact_phone": "+49 30 1234567",
                 "document_footer": "Amtsgericht Berlin HRB 4711 · Geschäftsführung: Erika Mustermann",
                 "logo": "\(SampleLogo.base64)"}
                """)
        #expect(patch.status == .ok, "\(patch.text)")
        #expect(
            try patch.json()["document_footer"] as? String
                == "Amtsgericht Berlin HRB 4711 · Geschäftsführung: Erika Mustermann")
    }

    func customer(_ client: some TestClientProtocol, _ fx: APIFixture, locale: String?) async throws -> String {
        let field = locale.map { #", "locale": "\#($0)""# } ?? ""
        let response = try await client.post(
            "/v1/customers", fx,
            #"{"name": "Kundin GmbH", "kind": "business", "email": "ap@kundin.example", "address": {"line1": "Hauptstraße 5", "postal_code": "80331", "city": "München", "country": "DE"}\#(field)}"#
        )
        #expect(response.status == .created)
        #expect(try response.json()["locale"] as? String == locale)
        return try response.json()["id"] as! String
    }

    func invoice(_ client: some TestClientProtocol, _ fx: APIFixture, customer: String) async throws -> [String: Any] {
        let invoice = try await client.post(
            "/v1/invoices", fx,
            #"{"customer": "\#(customer)", "currency": "EUR", "lines": [{"description": "Setup", "quantity": 2, "unit_amount": 15000}]}"#
        )
        #expect(invoice.status == .created)
        return try invoice.json()
    }

    @Test func invoicePDFsAreArchivedHybridsInTheCustomersLanguage() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await seller(client, fx)
            let english = try await customer(client, fx, locale: "en-GB")
            let german = try await customer(client, fx, locale: nil)
            let en = try await invoice(client, fx, customer: english)
            let de = try await invoice(client, fx, customer: german)
            let enID = en["id"] as! String
            _ = try await Engine(database: fx.database).archive.run(now: Date(), tenantID: fx.tenant.id)
            #expect(try await fx.count("documents WHERE format = 'pdf'") == 2)
            #expect(try await fx.count("events WHERE type = 'document.created'") == 6)

            let pdf = try await client.get("/v1/invoices/\(enID)/pdf", fx)
            #expect(pdf.status == .ok)
            #expect(pdf.headers[.contentType] == "application/pdf")
            let bytes = [UInt8](pdf.body.readableBytesView)
            let sha = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
            #expect(pdf.headers[.eTag] == "\"\(sha)\"")
            #expect(bytes.count < 40_000, "\(bytes.count) bytes with the logo")
            #expect([UInt8](try await client.get("/v1/invoices/\(enID)/pdf", fx).body.readableBytesView) == bytes)

            let note = try await client.post(
                "/v1/invoices/\(de["id"] as! String)/credit_notes", fx, #"{"reason": "other"}"#)
            let notePDF = try await client.get("/v1/credit_notes/\(try note.json()["id"] as! String)/pdf", fx)
            #expect(notePDF.status == .ok)
            let dePDF = try await client.get("/v1/invoices/\(de["id"] as! String)/pdf", fx)

            try #require(PDFOracle.available, "qpdf, poppler-utils and zbar-tools are needed (.ci/run installs them)")
            let reports = try await PDFOracle.check([
                "en": bytes, "de": [UInt8](dePDF.body.readableBytesView),
                "note": [UInt8](notePDF.body.readableBytesView),
            ])
            for (name, report) in reports {
                #expect(report.qpdf == "ok", "\(name): \(report.qpdf)")
                #expect(report.pdfa == [], "\(name): with the logo")
                #expect(report.facturx == "ok", "\(name): \(report.facturx)")
                #expect(report.text.contains("Amtsgericht Berlin HRB 4711"), "\(name) has the tenant's footer")
            }
            let enText = try #require(reports["en"]).text
            #expect(enText.contains("Invoice \(en["number"] as! String)"))
            #expect(enText.contains("357.00 EUR"))
            #expect(enText.contains("VAT 19 %"))
            let deText = try #require(reports["de"]).text
            #expect(deText.contains("Rechnung \(de["number"] as! String)"))
            #expect(deText.contains("357,00 EUR"))
            #expect(try #require(reports["en"]).qr.first?.hasPrefix("BCD\n002\n1\nSCT\nBYLADEM1001\n") == true)
            #expect(try #require(reports["note"]).text.contains("Rechnungskorrektur"))
        }
    }

    @Test func aDunningNoticeAndAStatementArePrintedAndArchived() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await seller(client, fx)
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus = try await customer(client, fx, locale: "de")
            let issued = try await invoice(client, fx, customer: cus)
            let number = issued["number"] as! String
            try await client.advanceClock(to: "2027-04-20T09:00:00Z", fx)
            let notices = try await client.get("/v1/customers/\(cus)/dunning", fx).json()["notices"] as! [[String: Any]]
            let noticeID = try #require(notices.first?["id"] as? String)
            // The worker archived the notice as it was sent.
            #expect(try await fx.count("documents WHERE source_type = 'dunning_notice'") == notices.count)
            let notice = try await client.get("/v1/dunning_notices/\(noticeID)/pdf", fx)
            #expect(notice.status == .ok)
            #expect(notice.headers[.contentType] == "application/pdf")

            let statement = try await client.get("/v1/customers/\(cus)/statement?as_of=2027-04-20", fx)
            #expect(statement.status == .ok)
            let json = try statement.json()
            #expect(json["object"] as? String == "customer_statement")
            let items = json["items"] as! [[String: Any]]
            #expect(items.contains { $0["number"] as? String == number })
            let totals = json["totals"] as! [[String: Any]]
            #expect(totals.first?["open_total"] as? Int == items.reduce(0) { $0 + ($1["open"] as! Int) })
            let statementPDF = try await client.get("/v1/customers/\(cus)/statement?as_of=2027-04-20&format=pdf", fx)
            #expect(statementPDF.status == .ok)
            #expect(statementPDF.headers[.contentType] == "application/pdf")
            let again = try await client.send(
                .get, "/v1/customers/\(cus)/statement?as_of=2027-04-20", key: fx.apiKey,
                headers: [.accept: "application/pdf"])
            #expect(again.headers[.eTag] == statementPDF.headers[.eTag], "unchanged, served as stored")
            #expect(try await fx.count("documents WHERE source_type = 'statement'") == 1)

            try #require(PDFOracle.available)
            let reports = try await PDFOracle.check([
                "notice": [UInt8](notice.body.readableBytesView),
                "statement": [UInt8](statementPDF.body.readableBytesView),
            ])
            let n = try #require(reports["notice"])
            #expect(n.qpdf == "ok", "\(n.qpdf)")
            #expect(n.pdfa == [])
            #expect(n.facturx == "none")
            #expect(n.text.contains(notices.first?["level_name"] as! String))
            #expect(n.text.contains(number))
            #expect(n.qr.first?.hasPrefix("BCD\n002\n1\nSCT\n") == true, "a notice carries the transfer code")
            let s = try #require(reports["statement"])
            #expect(s.qpdf == "ok", "\(s.qpdf)")
            #expect(s.pdfa == [])
            #expect(s.text.contains("Kontoauszug zum 20.04.2027"))
            #expect(s.text.contains(number))
        }
    }

    @Test func badDocumentInputIsRefusedNamingTheField() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let bad = try await client.send(
                .post, "/v1/customers", key: fx.apiKey, json: #"{"name": "X", "locale": "german"}"#)
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.errorFields() == ["locale"])
            #expect(try await fx.count("customers") == 0)
            for (body, field) in [
                (#"{"logo": "not base64!"}"#, "logo"), (#"{"logo": "aGVsbG8="}"#, "logo"),
                (#"{"document_footer": ""}"#, "document_footer"),
            ] {
                let r = try await client.send(.patch, "/v1/tenant", key: fx.apiKey, json: body)
                #expect(r.status == .unprocessableContent, "\(body)")
                #expect(try r.errorFields() == [field], "\(body)")
            }
            #expect(try await fx.count("tenants WHERE logo IS NOT NULL OR document_footer IS NOT NULL") == 0)
            let cus = try await customer(client, fx, locale: "en")
            for (query, field) in [
                ("format=xml", "format"), ("as_of=2027-13-01", "as_of"), ("currency=EURO", "currency"),
                ("bogus=1", "bogus"),
            ] {
                let r = try await client.get("/v1/customers/\(cus)/statement?\(query)", fx)
                #expect(r.status == .unprocessableContent, "\(query)")
                #expect(r.headers[.contentType] == "application/problem+json")
                #expect(try r.errorFields() == [field], "\(query)")
            }
            let invoice = try await invoice(client, fx, customer: cus)
            let r = try await client.get("/v1/invoices/\(invoice["id"] as! String)/einvoice?syntax=pdf", fx)
            #expect(r.status == .unprocessableContent)
            #expect(try r.errorFields() == ["syntax"])
            #expect(try await client.get("/v1/dunning_notices/dn_nothere/pdf", fx).status == .notFound)
            #expect(try await client.get("/v1/customers/cus_nothere/statement", fx).status == .notFound)
        }
    }
}
