import Crypto
import Foundation
import KontorCore
import KontorDocuments
import KontorTestSupport
import Testing

/// The hybrid PDFs of every e-invoice case, read back the way a recipient's tools read them.
@Suite struct InvoicePDFTests {
    static let pdf = DocumentPDF()

    static func render(_ e: EInvoice, _ language: DocumentLanguage) -> [UInt8] {
        pdf.invoice(
            e,
            seller: DocumentSeller(e, footerNote: "Geschäftsführerin: Erika Mustermann · Amtsgericht Berlin HRB 12345"),
            language: language)
    }

    static func language(_ name: String) -> DocumentLanguage {
        ["reverse-charge", "outside-eu", "eu-consumer"].contains(name) ? .en : .de
    }

    @Test func everyCaseIsAValidFacturXHybridWhoseTextShowsWhatTheLawAsks() async throws {
        try #require(PDFOracle.available, "qpdf, poppler-utils and zbar-tools are needed (.ci/run installs them)")
        let cases = try EInvoiceValidationTests.cases()
        var files: [String: [UInt8]] = [:]
        for (name, e) in cases { files[name] = Self.render(e, Self.language(name)) }
        let reports = try await PDFOracle.check(files)
        for (name, e) in cases {
            let report = try #require(reports[name], "\(name) was not checked")
            let l = Self.language(name)
            #expect(report.qpdf == "ok", "\(name): \(report.qpdf)")
            #expect(report.pdfa == [], "\(name)")
            #expect(report.facturx == "ok", "\(name): \(report.facturx)")
            #expect(report.xmlName == "factur-x.xml")
            #expect(report.level == "en16931", "\(name)")
            let cii = SHA256.hash(data: CIIWriter.bytes(e)).map { String(format: "%02x", $0) }.joined()
            #expect(report.xmlSha256 == cii, "\(name): the embedded XML is the CII as written")
            let text = report.text.replacingOccurrences(of: "\u{2212}", with: "-")
            for expected in [
                e.number, l.date(e.issueDate), l.money(e.grandTotal, e.currency), e.seller.name, e.buyer.name,
            ] {
                #expect(text.contains(expected), "\(name) shows \(expected)")
            }
            for group in e.taxGroups {
                #expect(text.contains(l.money(group.tax, e.currency)), "\(name) shows its VAT")
            }
            if e.taxGroups.contains(where: { $0.category == .reverseCharge }) {
                #expect(text.contains("Reverse charge"), "\(name) carries the reverse-charge note")
                #expect(text.contains(e.buyer.vatID ?? "?"), "\(name) names the buyer's VAT ID")
            }
            #expect(text.contains(e.seller.vatID ?? e.seller.taxNumber ?? e.seller.identifier ?? "?"))
            #expect(files[name]!.count <= 40_000, "\(name): \(files[name]!.count) bytes")
            #expect(report.pages == 1, "\(name)")
        }
        let transfer = try #require(reports["domestic"])
        let e = cases["domestic"]!
        #expect(
            transfer.qr == [
                "BCD\n002\n1\nSCT\nBYLADEM1001\nKontor Test Merchant GmbH\nDE02120300000000202051\nEUR58.31\n\n\n\(e.number)"
            ], "the GiroCode decodes to the transfer")
        let debit = try #require(reports["direct-debit"])
        #expect(debit.qr == [], "a direct debit has no transfer code")
        #expect(debit.text.contains("MNDT-2027-0001") && debit.text.contains("SEPA-Lastschrift"))
        #expect(try #require(reports["zero-total"]).text.contains("bereits beglichen"))
    }

    @Test func theSameInvoiceGivesTheSameBytes() throws {
        for (name, e) in try EInvoiceValidationTests.cases() {
            #expect(Self.render(e, .de) == Self.render(e, .de), "\(name)")
        }
    }

    @Test func manyLinesContinueOnMorePagesUnderTheTableHeader() async throws {
        try #require(PDFOracle.available)
        var invoice = try EInvoiceValidationTests.invoice(
            "2027-0100", treatment: .taxable(country: "DE", rate: 1900),
            lines: (1...60).map { i in
                InvoiceLineDraft(
                    description: "Add-on \(i) with a long description that wraps onto a second line in the table",
                    chargeCode: "addon\(i)", period: EInvoiceValidationTests.month, quantity: 1, unitAmount: 100,
                    amount: 100)
            })
        invoice.amountPaid = 0
        let e = EInvoice(invoice: invoice, seller: EInvoiceValidationTests.seller)
        let report = try #require(try await PDFOracle.check(["long": Self.render(e, .en)])["long"])
        #expect(report.qpdf == "ok")
        #expect(report.pdfa == [])
        #expect(report.pages >= 3)
        #expect(report.text.contains("Page 1 of \(report.pages)"))
        #expect(report.text.contains("Add-on 60"))
        // Every page with items repeats the header; the last may hold only the totals.
        #expect(report.text.components(separatedBy: "Description").count - 1 >= report.pages - 1)
    }
}
