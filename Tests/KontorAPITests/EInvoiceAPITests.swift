import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorTestSupport
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

    @Test func anIssuedInvoiceAndItsCreditNoteAreValidEInvoicesInBothSyntaxes() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let patch = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey,
                json:
                    #"{"bank_iban": "DE02 1203 0000 0000 2020 51", "bank_bic": "BYLADEM1001", "contact_email": "billing@test.example", "tax_number": "30/123/45678"}"#
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
}
