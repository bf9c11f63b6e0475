import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// `GET /v1/invoices/{id}/einvoice` and `/v1/credit_notes/{id}/einvoice`: what the API serves
/// passes the XSD and the EN 16931 schematron; a seller without the details a valid document
/// needs gets a 409 naming them, never an invalid document.
@Suite struct EInvoiceAPITests {
    func issue(_ client: some TestClientProtocol, _ fx: APIFixture, country: String = "DE", vat: String? = nil)
        async throws -> String
    {
        let vatField = vat.map { #", "tax_id": "\#($0)""# } ?? ""
        let cus =
            try await client.post(
                "/v1/customers", fx,
                #"{"name": "Kundin GmbH", "kind": "business", "email": "ap@kundin.example", "address": {"line1": "Hauptstraße 5", "postal_code": "80331", "city": "München", "country": "\#(country)"}\#(vatField)}"#
            ).json()["id"] as! String
        let invoice = try await client.post(
            "/v1/invoices", fx,
            #"{"customer": "\#(cus)", "currency": "EUR", "lines": [{"description": "Setup", "quantity": 2, "unit_amount": 15000}]}"#
        )
        #expect(invoice.status == .created)
        return try invoice.json()["id"] as! String
    }

    /// The seller details an XRechnung needs besides `prepareForBilling`'s.
    func completeSeller(_ client: some TestClientProtocol, _ fx: APIFixture) async throws {
        let patch = try await client.send(
            .patch, "/v1/tenant", key: fx.apiKey,
            json:
                #"{"bank_iban": "DE02120300000000202051", "contact_email": "billing@test.example", "contact_name": "Erika Mustermann", "contact_phone": "+49 30 1234567"}"#
        )
        #expect(patch.status == .ok)
    }

    @Test func anIssuedInvoiceAndItsCreditNoteAreValidEInvoicesInBothSyntaxes() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let patch = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey,
                json:
                    #"{"bank_iban": "DE02 1203 0000 0000 2020 51", "bank_bic": "BYLADEM1001", "contact_email": "billing@test.example", "tax_number": "30/123/45678", "contact_name": "Erika Mustermann", "contact_phone": "+49 30 1234567"}"#
            )
            #expect(patch.status == .ok)
            #expect(try patch.json()["bank_iban"] as? String == "DE02120300000000202051")
            let domestic = try await issue(client, fx)
            let reverse = try await issue(client, fx, country: "AT", vat: "ATU13585627")
            let note = try await client.post("/v1/invoices/\(domestic)/credit_notes", fx, #"{"reason": "other"}"#)
            #expect(note.status == .created)
            let noteID = try note.json()["id"] as! String
            var documents: [String: String] = [:]
            for syntax in ["cii", "ubl"] {
                for (name, path) in [
                    ("domestic", "/v1/invoices/\(domestic)/einvoice"), ("reverse", "/v1/invoices/\(reverse)/einvoice"),
                    ("note", "/v1/credit_notes/\(noteID)/einvoice"),
                ] {
                    let response = try await client.get("\(path)?syntax=\(syntax)", fx)
                    #expect(response.status == .ok, "\(path)")
                    #expect(response.headers[.contentType] == "application/xml; charset=utf-8")
                    documents["\(syntax)-\(name)"] = response.text
                    // Same document, same bytes.
                    #expect(try await client.get("\(path)?syntax=\(syntax)", fx).text == response.text)
                }
            }
            #expect(documents["cii-domestic"]?.contains("<ram:IBANID>DE02120300000000202051</ram:IBANID>") == true)
            #expect(documents["ubl-reverse"]?.contains("<cbc:ID>AE</cbc:ID>") == true)
            let reports = try await EInvoiceOracle.check(documents)
            for (name, report) in reports.sorted(by: { $0.key < $1.key }) {
                #expect(report.xsd == "ok", "\(name): \(report.xsd)")
                #expect(report.failed.map { "\($0.id ?? "?"): \($0.text)" } == [], "\(name)")
            }
            #expect(reports.count == 6)
        }
    }

    @Test func aSellerWithoutAddressGetsA409NamingTheFieldsAndBadInputA4xx() async throws {
        try await withTestAPI { client, fx in
            let invoice = try await issue(client, fx)
            let missing = try await client.get("/v1/invoices/\(invoice)/einvoice", fx)
            #expect(missing.status == .conflict)
            #expect(missing.text.contains("address") && missing.text.contains("vat_id"))
            let syntax = try await client.get("/v1/invoices/\(invoice)/einvoice?syntax=pdf", fx)
            #expect(syntax.status == .unprocessableContent)
            #expect(try syntax.errorFields() == ["syntax"])
            #expect(try await client.get("/v1/invoices/inv_nope/einvoice", fx).status == .notFound)
            let bad = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey,
                json:
                    #"{"bank_iban": "DE00 1203 0000 0000 2020 51", "sepa_creditor_id": "DE99ZZZ09999999999", "contact_email": "x"}"#
            )
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.errorFields().sorted() == ["bank_iban", "contact_email", "sepa_creditor_id"])
        }
    }

    /// GoBD: the worker archives each issued document once, right after the issue; the API
    /// serves the stored bytes with their digest, a later change of the seller's details does
    /// not alter them, and the archive refuses every change.
    @Test func issuedDocumentsAreArchivedOnceAndServedAsStored() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await completeSeller(client, fx)
            let invoice = try await issue(client, fx)
            let archived = try await Engine(database: fx.database).archive.run(now: Date(), tenantID: fx.tenant.id)
            #expect(archived == 1)
            #expect(try await fx.count("documents") == 3)
            #expect(try await fx.count("events WHERE type = 'document.created'") == 3)
            let first = try await client.get("/v1/invoices/\(invoice)/einvoice?syntax=ubl", fx)
            let rows = try await fx.database.client.query(
                "SELECT sha256, template_version FROM documents WHERE format = 'ubl'", logger: fx.database.logger)
            var stored: (String, String)?
            for try await row in rows.decode((String, String).self) { stored = row }
            #expect(first.headers[.eTag] == "\"\(stored?.0 ?? "")\"")
            #expect(first.headers[HTTPField.Name("Kontor-Template-Version")!] == stored?.1)
            let digest = Data(SHA256.hash(data: Data(first.text.utf8)))
            #expect(first.headers[HTTPField.Name("Repr-Digest")!] == "sha-256=:\(digest.base64EncodedString()):")
            // New seller details do not touch what was issued and archived.
            _ = try await client.send(.patch, "/v1/tenant", key: fx.apiKey, json: #"{"contact_name": "Someone Else"}"#)
            #expect(try await client.get("/v1/invoices/\(invoice)/einvoice?syntax=ubl", fx).text == first.text)
            #expect(try await Engine(database: fx.database).archive.run(now: Date(), tenantID: fx.tenant.id) == 0)
            #expect(try await fx.count("documents") == 3)
            await #expect(throws: (any Error).self) {
                _ = try await fx.database.client.query(
                    "UPDATE documents SET content = 'x'::bytea", logger: fx.database.logger)
            }
            await #expect(throws: (any Error).self) {
                _ = try await fx.database.client.query("DELETE FROM documents", logger: fx.database.logger)
            }
            #expect(try await fx.count("documents") == 3)
        }
    }

    /// A public buyer's Leitweg-ID is checked (422 naming the field) and becomes the buyer
    /// reference of its e-invoices.
    @Test func aLeitwegIDIsCheckedAndBecomesTheBuyerReference() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await completeSeller(client, fx)
            let bad = try await client.post(
                "/v1/customers", fx,
                #"{"name": "Stadt X", "kind": "business", "leitweg_id": "991-33333TEST-34", "address": {"country": "DE"}}"#
            )
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.errorFields() == ["leitweg_id"])
            let badEmail = try await client.post(
                "/v1/customers", fx, #"{"name": "Stadt X", "email": "rechnung@", "address": {"country": "DE"}}"#)
            #expect(try badEmail.errorFields() == ["email"])
            let cus = try await client.post(
                "/v1/customers", fx,
                #"{"name": "Stadt X", "kind": "business", "email": "rechnung@stadt-x.example", "leitweg_id": "991-33333test-33", "address": {"line1": "Rathausplatz 1", "postal_code": "12345", "city": "X-Stadt", "country": "DE"}}"#
            )
            #expect(try cus.json()["leitweg_id"] as? String == "991-33333TEST-33")
            let id = try cus.json()["id"] as! String
            let invoice =
                try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(id)", "currency": "EUR", "lines": [{"description": "Beratung", "unit_amount": 50000}]}"#
                ).json()["id"] as! String
            let ubl = try await client.get("/v1/invoices/\(invoice)/einvoice?syntax=ubl", fx).text
            #expect(ubl.contains("<cbc:BuyerReference>991-33333TEST-33</cbc:BuyerReference>"))
            #expect(ubl.contains(#"<cbc:EndpointID schemeID="EM">rechnung@stadt-x.example</cbc:EndpointID>"#))
            let report = try await EInvoiceOracle.check(["ubl": ubl])
            #expect(report["ubl"]?.failed.map(\.text) == [])
        }
    }

    /// UBL claims XRechnung: without the seller's contact, bank details or the buyer's e-mail it
    /// is a 409 naming them, while the CII (EN 16931 only) is served.
    @Test func anXRechnungNeedsWhatXRechnungAddsAndSaysWhatIsMissing() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let invoice = try await issue(client, fx)
            #expect(try await client.get("/v1/invoices/\(invoice)/einvoice?syntax=cii", fx).status == .ok)
            let ubl = try await client.get("/v1/invoices/\(invoice)/einvoice?syntax=ubl", fx)
            #expect(ubl.status == .conflict)
            for field in ["contact_name", "contact_phone", "contact_email", "electronic_address", "bank_iban"] {
                #expect(ubl.text.contains(field), "\(field)")
            }
            #expect(!ubl.text.contains("customer.email"))
            // The worker archives what is valid: the CII only.
            _ = try await Engine(database: fx.database).archive.run(now: Date(), tenantID: fx.tenant.id)
            #expect(try await fx.count("documents WHERE format = 'ubl'") == 0)
        }
    }

    /// An invoice collected by SEPA direct debit says so (payment means 59, the mandate and the
    /// account debited), and a payment collected after the issue is not "paid in advance".
    @Test func aDirectDebitInvoiceNamesTheMandateAndNotTheLaterPayment() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await completeSeller(client, fx)
            _ = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey, json: #"{"sepa_creditor_id": "DE98ZZZ09999999999"}"#)
            let cus =
                try await client.post(
                    "/v1/customers", fx,
                    #"{"name": "Ada GmbH", "kind": "business", "email": "ap@ada.example", "address": {"line1": "Weg 2", "postal_code": "10115", "city": "Berlin", "country": "DE"}}"#
                ).json()["id"] as! String
            let pm = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "MNDT-ADA-1", "mandate_date": "2026-11-01"}}"#
            )
            #expect(pm.status == .created)
            let sub = try await client.post(
                "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#)
            #expect(sub.status == .created)
            let invoices = try await client.get("/v1/invoices?customer=\(cus)", fx).json()["data"] as! [[String: Any]]
            let invoice = try #require(invoices.first)
            #expect(invoice["amount_paid"] as? Int == invoice["total"] as? Int)  // collected at once
            let cii = try await client.get("/v1/invoices/\(invoice["id"] as! String)/einvoice", fx).text
            #expect(cii.contains("<ram:TypeCode>59</ram:TypeCode>"))
            #expect(cii.contains("<ram:DirectDebitMandateID>MNDT-ADA-1</ram:DirectDebitMandateID>"))
            #expect(cii.contains("<ram:IBANID>DE89370400440532013000</ram:IBANID>"))
            #expect(cii.contains("<ram:CreditorReferenceID>DE98ZZZ09999999999</ram:CreditorReferenceID>"))
            #expect(!cii.contains("TotalPrepaidAmount"))
            let ubl = try await client.get("/v1/invoices/\(invoice["id"] as! String)/einvoice?syntax=ubl", fx)
            #expect(ubl.status == .ok)
            let reports = try await EInvoiceOracle.check(["cii": cii, "ubl": ubl.text])
            for (name, report) in reports {
                #expect(report.xsd == "ok", "\(name)")
                #expect(report.failed.map(\.text) == [], "\(name)")
            }
        }
    }
}
