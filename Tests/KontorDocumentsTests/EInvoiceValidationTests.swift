import Foundation
import KontorCore
import KontorDocuments
import KontorTestSupport
import Testing

/// Every case the issue names, in both syntaxes, through the XSD and the EN 16931 schematron:
/// zero failed asserts. (Warnings are allowed and printed.)
@Suite struct EInvoiceValidationTests {
    static let seller = SellerDetails(
        name: "Kontor Test Merchant GmbH", address: "Musterstraße 1\n10115 Berlin\nDE", country: "DE",
        vatID: "DE136695976", taxNumber: "30/123/45678", contactName: "Erika Mustermann", phone: "+49 30 1234567",
        email: "billing@example.com", iban: "DE02120300000000202051", bic: "BYLADEM1001")

    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    static func invoice(
        _ number: String, treatment: TaxTreatment, lines: [InvoiceLineDraft], buyerCountry: String = "DE",
        buyerVAT: String? = nil, currency: String = "EUR", paid: Int64 = 0
    ) throws -> Invoice {
        var invoice = Invoice(
            id: "inv_\(number)", number: number, customerID: "cus_\(number)", subscriptionID: nil,
            billingReason: "subscription_cycle", billingDate: day("2027-03-01"), currency: currency,
            issueDate: day("2027-03-01"), dueDate: day("2027-03-15"),
            totals: try InvoiceTotals(lines: lines, treatment: treatment),
            seller: InvoiceParty(
                name: seller.name, address: seller.address, country: "DE", vatID: seller.vatID),
            buyer: InvoiceParty(
                name: "Kundin \(number) GmbH", address: "Hauptstraße 5\n80331 München\n\(buyerCountry)",
                country: buyerCountry, vatID: buyerVAT),
            collectionMethod: "send_invoice", livemode: false, issuedAt: Date(timeIntervalSince1970: 1_803_888_000))
        invoice.amountPaid = paid
        return invoice
    }

    static let month = BillingPeriod(start: day("2027-03-01"), end: day("2027-04-01"))

    static func base(_ amount: Int64 = 4900) -> InvoiceLineDraft {
        InvoiceLineDraft(
            description: "Team plan, March 2027", chargeCode: "base", period: month, quantity: 1, unitAmount: amount,
            amount: amount)
    }

    static func cases() throws -> [String: EInvoice] {
        let domestic = try invoice("2027-0001", treatment: .taxable(country: "DE", rate: 1900), lines: [base()])
        let reduced = try invoice("2027-0002", treatment: .taxable(country: "DE", rate: 700), lines: [base(1999)])
        let reverse = try invoice(
            "2027-0003", treatment: .reverseCharge, lines: [base()], buyerCountry: "AT", buyerVAT: "ATU13585627")
        let consumer = try invoice(
            "2027-0004", treatment: .taxable(country: "FR", rate: 2000), lines: [base()], buyerCountry: "FR")
        let abroad = try invoice("2027-0005", treatment: .outsideScope, lines: [base()], buyerCountry: "US")
        let exempt = try invoice("2027-0006", treatment: .exempt, lines: [base()])
        let proration = try invoice(
            "2027-0007", treatment: .taxable(country: "DE", rate: 1900),
            lines: [
                base(9900),
                InvoiceLineDraft(
                    description: "Unused time on Team plan", chargeCode: "proration",
                    period: BillingPeriod(start: day("2027-03-10"), end: day("2027-04-01")), quantity: 1,
                    unitAmount: -3513, amount: -3513),
            ])
        let metered = try invoice(
            "2027-0008", treatment: .taxable(country: "DE", rate: 1900),
            lines: [
                base(),
                InvoiceLineDraft(
                    description: "API calls (tiered)", chargeCode: "usage", period: month, quantity: 12_345,
                    unitAmount: nil, amount: 1_851),
                InvoiceLineDraft(
                    description: "Seats", chargeCode: "seats", period: month, quantity: 3, unitAmount: 1000,
                    amount: 3000),
            ])
        let credited = try invoice(
            "2027-0009", treatment: .taxable(country: "DE", rate: 1900), lines: [base()], paid: 2000)
        let zero = try invoice(
            "2027-0010", treatment: .taxable(country: "DE", rate: 1900),
            lines: [
                InvoiceLineDraft(
                    description: "Trial, March 2027", chargeCode: "base", period: month, quantity: 1, unitAmount: 0,
                    amount: 0)
            ])
        let note = CreditNote(
            id: "cn_1", number: "GS-2027-0001", invoice: domestic, reason: "order_change", memo: nil,
            issueDate: day("2027-03-05"),
            totals: try InvoiceTotals(
                lines: [InvoiceLineDraft(description: "Goodwill credit", amount: 1000)],
                treatment: .taxable(country: "DE", rate: 1900)),
            issuedAt: Date(timeIntervalSince1970: 1_804_233_600))
        return [
            "domestic": EInvoice(invoice: domestic, seller: seller),
            "reduced": EInvoice(invoice: reduced, seller: seller),
            "reverse-charge": EInvoice(invoice: reverse, seller: seller),
            "eu-consumer": EInvoice(invoice: consumer, seller: seller),
            "outside-eu": EInvoice(invoice: abroad, seller: seller),
            "exempt": EInvoice(invoice: exempt, seller: seller),
            "proration": EInvoice(invoice: proration, seller: seller),
            "metered": EInvoice(invoice: metered, seller: seller),
            "credit-applied": EInvoice(invoice: credited, seller: seller),
            "zero-total": EInvoice(invoice: zero, seller: seller),
            "direct-debit": EInvoice(
                invoice: domestic, seller: seller,
                buyer: BuyerDetails(
                    reference: "04011000-12345-34", electronicAddress: "ap@kundin.example",
                    mandate: ("MNDT-2027-0001", "DE89370400440532013000"))),
            "credit-note": EInvoice(creditNote: note, of: domestic, seller: seller),
        ]
    }

    @Test func everyCasePassesTheXSDAndTheEN16931SchematronInBothSyntaxes() async throws {
        var documents: [String: String] = [:]
        for (name, e) in try Self.cases() {
            documents["cii-\(name)"] = CIIWriter.xml(e)
            documents["ubl-\(name)"] = UBLWriter.xml(e)
        }
        let reports = try await EInvoiceOracle.check(documents)
        #expect(reports.count == documents.count)
        for name in documents.keys.sorted() {
            let report = try #require(reports[name], "\(name) was not checked")
            #expect(report.xsd == "ok", "\(name): \(report.xsd)")
            #expect(report.failed.map { "\($0.id ?? "?"): \($0.text)" } == [], "\(name)")
            for warning in report.warnings { print("\(name) warning \(warning.id ?? "?"): \(warning.text)") }
        }
    }

    @Test func theSameInvoiceGivesTheSameBytes() throws {
        let cases = try Self.cases()
        for (_, e) in cases {
            #expect(CIIWriter.xml(e) == CIIWriter.xml(e))
            #expect(UBLWriter.xml(e) == UBLWriter.xml(e))
        }
    }

    @Test func anXRechnungNamesWhatItStillNeeds() throws {
        let domestic = try Self.invoice(
            "2027-0099", treatment: .taxable(country: "DE", rate: 1900), lines: [Self.base()])
        #expect(EInvoice(invoice: domestic, seller: Self.seller).xrechnungGaps == ["customer.email"])
        let complete = EInvoice(
            invoice: domestic, seller: Self.seller, buyer: BuyerDetails(electronicAddress: "ap@kundin.example"))
        #expect(complete.xrechnungGaps == [])
        let bare = SellerDetails(name: "X GmbH", address: "Weg 1\n10115 Berlin", country: "DE", vatID: "DE136695976")
        #expect(
            EInvoice(invoice: domestic, seller: bare, buyer: BuyerDetails(electronicAddress: "ap@kundin.example"))
                .xrechnungGaps == ["contact_name", "contact_phone", "contact_email", "electronic_address", "bank_iban"])
    }

    @Test func aSellerWithoutAddressOrTaxIdentityCannotIssueDocuments() {
        let bare = SellerDetails(name: "", address: "Somewhere", country: "DE")
        #expect(bare.missingFields == ["legal_name", "address", "vat_id"])
        #expect(Self.seller.missingFields == [])
    }
}
