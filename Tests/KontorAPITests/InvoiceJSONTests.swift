import Foundation
import KontorCore
import KontorEngine
import KontorStore
import Testing

/// The billing run writes `invoice.finalized` payloads with `JSONWriter`; they must be exactly
/// the bytes `JSONEncoder` (`KontorJSON`) writes for the API.
@Suite struct InvoiceJSONTests {
    func invoice(note: String?, subscription: String?, buyerName: String?, seconds: Double) throws -> Invoice {
        let lines = [
            InvoiceLineDraft(
                description: "Team – Seats \"Pro\"\n/ 2 × 9,00 €\t\u{01}", chargeCode: "seats",
                period: BillingPeriod(start: LocalDate("2027-01-31")!, end: LocalDate("2027-02-28")!), quantity: 2,
                unitAmount: 900, amount: 1800
            ),
            InvoiceLineDraft(description: "Unused time", chargeCode: nil, period: nil, quantity: 1, amount: -871),
        ]
        let totals = try InvoiceTotals(
            lines: lines, treatment: note == nil ? .taxable(country: "FI", rate: 2550) : .reverseCharge
        )
        return Invoice(
            id: "inv_abc", number: "2027-000001", customerID: "cus_x", subscriptionID: subscription,
            billingReason: "subscription_cycle", billingDate: LocalDate("2027-01-31"), currency: "EUR",
            issueDate: LocalDate("2027-01-31")!, dueDate: LocalDate("2027-02-14")!, totals: totals,
            seller: InvoiceParty(
                name: "Test GmbH", address: "Weg 1\n10115 Berlin", country: "DE", vatID: "DE136695976"),
            buyer: InvoiceParty(name: buyerName, address: nil, country: "AT", vatID: nil),
            collectionMethod: "send_invoice",
            livemode: false, issuedAt: Date(timeIntervalSince1970: seconds)
        )
    }

    @Test func fastEncodingIsByteForByteTheEncodersOutput() throws {
        for (note, sub, name, seconds) in [
            (nil as String?, "sub_1" as String?, "Müller & Söhne \\ \"KG\"" as String?, 1_801_234_567.0),
            ("x", nil, nil, 0.0), ("x", "sub_2", "Ada", -86_399.0), (nil, nil, "Ω", 4_102_444_799.0),
        ] {
            let json = InvoiceJSON(try invoice(note: note, subscription: sub, buyerName: name, seconds: seconds))
            let fast = String(decoding: json.encoded(), as: UTF8.self)
            let reference = String(decoding: try KontorJSON.encode(json), as: UTF8.self)
            #expect(fast == reference)
        }
    }
}

/// Standard Webhooks signing against a vector produced by the reference implementation
/// (`standardwebhooks` 1.x on PyPI: `Webhook(secret).sign("evt_1", 1800000000, payload)`).
@Suite struct WebhookSignatureTests {
    @Test func signatureMatchesTheReferenceImplementation() {
        let secret = "whsec_AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8="
        let payload = #"{"id":"evt_1","type":"invoice.finalized","data":{"total":5831}}"#
        let signature = WebhookSignature.sign(
            secret: secret, id: "evt_1", timestamp: 1_800_000_000, body: Array(payload.utf8))
        #expect(signature == "v1,UdREVGOnKhjoExSNIDVIur9pVUbf9YntrRbAUQouKbA=")
        #expect(WebhookSignature.sign(secret: "not-a-secret", id: "e", timestamp: 1, body: []) == nil)
        #expect(WebhookSignature.makeSecret().hasPrefix("whsec_"))
    }
}
