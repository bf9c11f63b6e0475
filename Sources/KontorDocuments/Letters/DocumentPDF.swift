import KontorCore

/// Letters as PDF/A-3b files. An invoice or credit note carries its CII as `factur-x.xml`,
/// which makes the file a ZUGFeRD / Factur-X EN 16931 hybrid: the picture for people, the XML
/// for the buyer's software, saying the same.
public struct DocumentPDF: Sendable {
    public let fonts: FontLibrary
    let layout: LetterLayout

    public init(fonts: FontLibrary = .bundled) {
        self.fonts = fonts
        self.layout = LetterLayout(fonts: fonts)
    }

    /// The hybrid invoice or credit note; `cii` is `CIIWriter.bytes(e)` when the caller has it.
    public func invoice(
        _ e: EInvoice, cii: [UInt8]? = nil, seller: DocumentSeller, language: DocumentLanguage, logo: JPEGImage? = nil,
        portal: String? = nil
    ) -> [UInt8] {
        var letter = InvoiceLetter.letter(e, seller: seller, language: language)
        letter.addPortalLink(portal)
        return PDFA3Writer.write(
            pages: layout.pages(letter, logo: logo), fonts: fonts,
            metadata: PDFMetadata(
                title: letter.subject, author: e.seller.name, date: e.issueDate.description, language: language.tag),
            attachment: .facturX(cii ?? CIIWriter.bytes(e)), logo: logo)
    }

    /// Any other letter (a dunning notice, a statement), dated `date`.
    public func letter(_ letter: Letter, date: LocalDate, logo: JPEGImage? = nil) -> [UInt8] {
        PDFA3Writer.write(
            pages: layout.pages(letter, logo: logo), fonts: fonts,
            metadata: PDFMetadata(
                title: letter.subject, author: letter.sender.name, date: date.description,
                language: letter.language.tag),
            logo: logo)
    }
}
