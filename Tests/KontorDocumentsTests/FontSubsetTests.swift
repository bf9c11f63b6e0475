import Foundation
import KontorCore
import KontorDocuments
import Testing

/// The embedded fonts: a subset holds every glyph its text needs (composite parts included),
/// keeps their widths, and is a well-formed TrueType file.
@Suite struct FontSubsetTests {
    static let fonts = FontLibrary.bundled

    @Test func aSubsetIsAWellFormedFontWithTheGlyphsAndWidthsItsTextNeeds() throws {
        let text = "Rechnung Größe ÄÖÜ äöü ß € – „Zahlbar“ 1.234,56"
        let subset = FontSubset(font: Self.fonts.regular, texts: [text])
        let file = subset.fontFile()
        // The whole file sums to the magic number once checkSumAdjustment is in (OpenType `head`).
        var sum: UInt32 = 0
        for i in stride(from: 0, to: file.count, by: 4) {
            var word: UInt32 = 0
            for k in 0..<4 { word = word << 8 | UInt32(i + k < file.count ? file[i + k] : 0) }
            sum = sum &+ word
        }
        #expect(sum == 0xB1B0_AFBA)
        let reread = try TrueTypeFont(bytes: file, postScriptName: "subset")
        #expect(reread.glyphCount == subset.glyphCount)
        #expect(reread.unitsPerEm == Self.fonts.regular.unitsPerEm)
        // Each character's CID is a glyph of the subset with the original's advance.
        let cids = subset.encode(text)
        for (i, scalar) in text.unicodeScalars.enumerated() {
            let cid = UInt16(cids[2 * i]) << 8 | UInt16(cids[2 * i + 1])
            #expect(cid != 0, "\(scalar) has a glyph")
            #expect(Int(cid) < subset.glyphCount)
            #expect(reread.advance(of: cid) == Self.fonts.regular.advance(of: Self.fonts.regular.glyph(for: scalar)))
        }
        // Far smaller than the font: 40-odd glyphs (accented letters pull in their parts).
        #expect(subset.glyphCount < 80)
        #expect(file.count < 20_000)
    }

    @Test func theSameTextGivesTheSameSubsetWhateverTheOrder() {
        let a = FontSubset(font: Self.fonts.bold, texts: ["Summe netto", "Zu zahlen"]).fontFile()
        let b = FontSubset(font: Self.fonts.bold, texts: ["Zu zahlen", "Summe netto"]).fontFile()
        #expect(a == b)
    }

    @Test func aCharacterTheFontLacksIsNotdefAndWidthsFollowTheFont() {
        let subset = FontSubset(font: Self.fonts.regular, texts: ["\u{10FFFD}A"])
        #expect(subset.encode("\u{10FFFD}") == [0, 0])
        #expect(Self.fonts.regular.width(of: "WW", size: 10) == 2 * Self.fonts.regular.width(of: "W", size: 10))
    }
}

/// Numbers, dates and units as German and English readers expect them.
@Suite struct DocumentLanguageTests {
    @Test func germanGroupsWithPointsAndEnglishWithCommas() {
        #expect(DocumentLanguage.de.money(123_456_789, .eur) == "1.234.567,89 EUR")
        #expect(DocumentLanguage.en.money(123_456_789, .eur) == "1,234,567.89 EUR")
        #expect(DocumentLanguage.de.money(-5, .eur) == "−0,05 EUR")
        #expect(DocumentLanguage.en.money(1000, .jpy) == "1,000 JPY")
        #expect(DocumentLanguage.de.percent(550) == "5,5 %")
        #expect(DocumentLanguage.de.quantity(1500) == "1,5")
    }

    @Test func datesAndPeriodsAreWrittenAsEachLanguageDoes() {
        let march = BillingPeriod(start: LocalDate("2027-03-01")!, end: LocalDate("2027-04-01")!)
        #expect(DocumentLanguage.de.period(march) == "01.03.2027 – 31.03.2027")
        #expect(DocumentLanguage.en.period(march) == "1 Mar 2027 – 31 Mar 2027")
    }

    @Test func theLocalePicksTheLanguageGermanWhenNoneIsSet() {
        #expect(DocumentLanguage(locale: nil) == .de)
        #expect(DocumentLanguage(locale: "de-AT") == .de)
        #expect(DocumentLanguage(locale: "en-GB") == .en)
        #expect(DocumentLanguage(locale: "fr") == .en)
    }
}

/// The layout's invariants on a letter with many items.
@Suite struct LetterLayoutTests {
    @Test func nothingButTheFooterIsDrawnBelowTheBodyAndEveryPageIsNumbered() throws {
        var invoice = try EInvoiceValidationTests.invoice(
            "2027-0200", treatment: .taxable(country: "DE", rate: 1900),
            lines: (1...45).map { i in
                InvoiceLineDraft(
                    description: "Item \(i)", chargeCode: "i\(i)", period: EInvoiceValidationTests.month, quantity: 1,
                    unitAmount: 100, amount: 100)
            })
        invoice.amountPaid = 0
        let e = EInvoice(invoice: invoice, seller: EInvoiceValidationTests.seller)
        let letter = InvoiceLetter.letter(e, seller: DocumentSeller(e), language: .de)
        let pages = LetterLayout(fonts: .bundled).pages(letter)
        #expect(pages.count >= 2)
        let bodyBottom = 262 * PDFPage.mm
        for (i, page) in pages.enumerated() {
            var numbered = false
            for op in page.operations {
                guard case .text(_, let y, _, _, _, let text) = op else { continue }
                if text == "Seite \(i + 1) von \(pages.count)" { numbered = true }
                let isFooter = y >= 265 * PDFPage.mm
                #expect(y <= bodyBottom || isFooter, "page \(i + 1): \(text) at \(y / PDFPage.mm) mm")
            }
            #expect(numbered, "page \(i + 1) carries its number")
        }
    }
}
