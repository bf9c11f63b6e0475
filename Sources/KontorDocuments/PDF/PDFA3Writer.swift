import Crypto
import Foundation
import Synchronization

/// A file to carry inside the PDF (PDF/A-3 § 6.8): for a hybrid invoice, the CII as
/// `factur-x.xml`, related to the document as its `Alternative`.
public struct PDFAttachment: Sendable, Equatable {
    public var fileName: String
    public var contents: [UInt8]
    public var description: String
    /// `Alternative` (Factur-X in Germany, ZUGFeRD 2.x), `Data` or `Source`.
    public var relationship: String
    /// The Factur-X document type for the XMP (`INVOICE`), nil for a plain attachment.
    public var facturXType: String?

    public init(
        fileName: String, contents: [UInt8], description: String, relationship: String = "Alternative",
        facturXType: String? = nil
    ) {
        self.fileName = fileName
        self.contents = contents
        self.description = description
        self.relationship = relationship
        self.facturXType = facturXType
    }

    /// The embedded CII of a ZUGFeRD / Factur-X EN 16931 hybrid.
    public static func facturX(_ cii: [UInt8]) -> PDFAttachment {
        PDFAttachment(
            fileName: "factur-x.xml", contents: cii, description: "Factur-X / ZUGFeRD EN 16931 invoice",
            facturXType: "INVOICE")
    }
}

/// What the file says about itself (Info dictionary and XMP alike).
public struct PDFMetadata: Sendable, Equatable {
    public var title: String
    public var author: String
    /// The day the document is dated; its time is midnight UTC, so the file does not depend on
    /// when it was rendered.
    public var date: String
    /// BCP 47, `de-DE` / `en-GB`.
    public var language: String

    public init(title: String, author: String, date: String, language: String) {
        self.title = title
        self.author = author
        self.date = date
        self.language = language
    }
}

/// Writes pages as a PDF/A-3b file (ISO 19005-3): every font embedded as a subset with its
/// widths and a ToUnicode map (text can be copied and searched), an sRGB output intent, XMP
/// metadata matching the Info dictionary, a file identifier, and attachments with their
/// relationship. Same pages in, same bytes out: the identifier is a hash of the file's body.
public enum PDFA3Writer {
    public static let producer = "Kontor"

    public static func write(
        pages: [PDFPage], fonts: FontLibrary, metadata: PDFMetadata, attachment: PDFAttachment? = nil,
        logo: JPEGImage? = nil
    ) -> [UInt8] {
        var w = PDFWriter()
        let catalog = w.reserve()
        let pagesNode = w.reserve()
        var fontRefs: [PDFPage.Style: (name: String, ref: Int, subset: FontSubset)] = [:]
        for style in PDFPage.Style.allCases {
            let texts = pages.flatMap { $0.texts(style) }
            guard !texts.isEmpty else { continue }
            let subset = FontSubset(font: fonts.font(style), texts: texts)
            fontRefs[style] = ("F\(style.rawValue)", writeFont(subset, into: &w), subset)
        }
        let image = logo.map { logo in
            w.add(
                stream: logo.bytes,
                dictionary: "/Type /XObject /Subtype /Image /Width \(logo.width) /Height \(logo.height)"
                    + " /ColorSpace /\(logo.components == 1 ? "DeviceGray" : "DeviceRGB") /BitsPerComponent 8 /Filter /DCTDecode"
            )
        }
        var resources =
            "/Font <<"
            + fontRefs.values.sorted { $0.name < $1.name }.map { " /\($0.name) \($0.ref) 0 R" }
            .joined() + " >>"
        if let image { resources += " /XObject << /Im0 \(image) 0 R >>" }
        var kids: [Int] = []
        for page in pages {
            let content = w.add(
                stream: Flate.compress(contentStream(page, fonts: fontRefs.mapValues { ($0.name, $0.subset) })),
                dictionary: "/Filter /FlateDecode")
            kids.append(
                w.add(
                    "<</Type /Page /Parent \(pagesNode) 0 R /MediaBox [0 0 \(PDFSyntax.number(PDFPage.width)) "
                        + "\(PDFSyntax.number(PDFPage.height))] /Resources << \(resources) >> /Contents \(content) 0 R>>"
                ))
        }
        w.write(
            pagesNode,
            "<</Type /Pages /Kids [\(kids.map { "\($0) 0 R" }.joined(separator: " "))] /Count \(kids.count)>>")
        let icc = w.add(stream: ICCProfile.compressed, dictionary: "/N 3 /Filter /FlateDecode")
        let intent = w.add(
            "<</Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier (sRGB IEC61966-2.1)"
                + " /Info (sRGB IEC61966-2.1) /DestOutputProfile \(icc) 0 R>>")
        let pdfDate = "D:" + metadata.date.replacingOccurrences(of: "-", with: "") + "000000Z"
        let xmp = XMPMetadata(
            title: metadata.title, author: metadata.author, date: metadata.date + "T00:00:00Z", producer: producer,
            facturX: attachment?.facturXType)
        let metadataRef = w.add(stream: xmp.packet, dictionary: "/Type /Metadata /Subtype /XML")
        var names = ""
        if let attachment {
            let file = w.add(
                stream: Flate.compress(attachment.contents),
                dictionary: "/Type /EmbeddedFile /Subtype /text#2Fxml /Filter /FlateDecode"
                    + " /Params << /ModDate (\(pdfDate)) /Size \(attachment.contents.count) >>")
            let name = PDFSyntax.text(attachment.fileName)
            let spec = w.add(
                "<</Type /Filespec /F \(name) /UF \(name) /Desc \(PDFSyntax.text(attachment.description))"
                    + " /AFRelationship /\(attachment.relationship) /EF << /F \(file) 0 R /UF \(file) 0 R >>>>")
            names = " /Names << /EmbeddedFiles << /Names [\(name) \(spec) 0 R] >> >> /AF [\(spec) 0 R]"
        }
        w.write(
            catalog,
            "<</Type /Catalog /Pages \(pagesNode) 0 R /Metadata \(metadataRef) 0 R /OutputIntents [\(intent) 0 R]"
                + " /Lang \(PDFSyntax.text(metadata.language)) /ViewerPreferences << /DisplayDocTitle true >>\(names)>>"
        )
        let info = w.add(
            "<</Title \(PDFSyntax.text(metadata.title)) /Author \(PDFSyntax.text(metadata.author))"
                + " /Creator (\(producer)) /Producer (\(producer)) /CreationDate (\(pdfDate)) /ModDate (\(pdfDate))>>")
        let id = PDFSyntax.hex(Array(SHA256.hash(data: w.bytes).prefix(16)))
        return w.finish(root: catalog, info: info, id: id)
    }

    /// The Type 0 font of a subset: CID font, descriptor, font file, widths and ToUnicode.
    static func writeFont(_ subset: FontSubset, into w: inout PDFWriter) -> Int {
        let font = subset.font
        let scale = { (v: Int) in (v * 1000) / font.unitsPerEm }
        let name = "\(subset.tag)+\(font.postScriptName)"
        let file = FontFiles.compressed(subset)
        let fontFile = w.add(stream: file.bytes, dictionary: "/Length1 \(file.length) /Filter /FlateDecode")
        let box = font.boundingBox
        let descriptor = w.add(
            "<</Type /FontDescriptor /FontName /\(name) /Flags 4 /FontBBox [\(scale(box.0)) \(scale(box.1))"
                + " \(scale(box.2)) \(scale(box.3))] /ItalicAngle \(Int(font.italicAngle)) /Ascent \(scale(font.ascent))"
                + " /Descent \(scale(font.descent)) /CapHeight \(scale(font.capHeight))"
                + " /StemV \(font.isBold ? 140 : 80) /FontFile2 \(fontFile) 0 R>>")
        let widths = subset.widths.map(String.init).joined(separator: " ")
        let cid = w.add(
            "<</Type /Font /Subtype /CIDFontType2 /BaseFont /\(name)"
                + " /CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >>"
                + " /FontDescriptor \(descriptor) 0 R /W [0 [\(widths)]] /CIDToGIDMap /Identity>>")
        let toUnicode = w.add(stream: file.toUnicode, dictionary: "/Filter /FlateDecode")
        return w.add(
            "<</Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H"
                + " /DescendantFonts [\(cid) 0 R] /ToUnicode \(toUnicode) 0 R>>")
    }

    static func toUnicodeCMap(_ subset: FontSubset) -> [UInt8] {
        var s = "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        s += "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        s += "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        s += "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        let entries = subset.text.sorted { $0.key < $1.key }
        var i = 0
        while i < entries.count {
            let block = entries[i..<min(i + 100, entries.count)]
            s += "\(block.count) beginbfchar\n"
            for (cid, text) in block {
                s += "<\(PDFSyntax.hex16(cid))> <\(text.utf16.map(PDFSyntax.hex16).joined())>\n"
            }
            s += "endbfchar\n"
            i += 100
        }
        s += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        return Array(s.utf8)
    }

    /// The page's operations as PDF content, y turned so the origin is bottom left. Written
    /// as bytes with integer number formatting: this is the inner loop of every document.
    static func contentStream(_ page: PDFPage, fonts: [PDFPage.Style: (name: String, subset: FontSubset)]) -> [UInt8] {
        var out = ContentBytes()
        out.bytes.reserveCapacity(page.operations.count * 40)
        var fill: PDFPage.Color?
        var stroke: PDFPage.Color?
        func setFill(_ c: PDFPage.Color) {
            if fill != c { out.color(c, " rg\n") }
            fill = c
        }
        for op in page.operations {
            switch op {
            case .text(let x, let baseline, let size, let style, let color, let text):
                guard let font = fonts[style] else { continue }
                setFill(color)
                out.ascii("BT /")
                out.ascii(font.name)
                out.number(size)
                out.ascii(" Tf")
                out.number(x)
                out.number(PDFPage.height - baseline)
                out.ascii(" Td <")
                out.hex(font.subset.encode(text))
                out.ascii("> Tj ET\n")
            case .rectangle(let x, let top, let width, let height, let color):
                setFill(color)
                out.number(x)
                out.number(PDFPage.height - top - height)
                out.number(width)
                out.number(height)
                out.ascii(" re f\n")
            case .line(let x1, let y1, let x2, let y2, let width, let color):
                if stroke != color { out.color(color, " RG\n") }
                stroke = color
                out.number(width)
                out.ascii(" w")
                out.number(x1)
                out.number(PDFPage.height - y1)
                out.ascii(" m")
                out.number(x2)
                out.number(PDFPage.height - y2)
                out.ascii(" l S\n")
            case .image(let x, let top, let width, let height):
                out.ascii("q")
                out.number(width)
                out.ascii(" 0 0")
                out.number(height)
                out.number(x)
                out.number(PDFPage.height - top - height)
                out.ascii(" cm /Im0 Do Q\n")
            }
        }
        return out.bytes
    }
}

/// Content stream bytes. `number` writes a space, then the value with at most two decimals.
struct ContentBytes {
    var bytes: [UInt8] = []

    mutating func ascii(_ s: String) { bytes.append(contentsOf: s.utf8) }

    mutating func number(_ v: Double) {
        bytes.append(0x20)
        var hundredths = Int((v * 100).rounded())
        if hundredths < 0 {
            bytes.append(UInt8(ascii: "-"))
            hundredths = -hundredths
        }
        digits(hundredths / 100)
        let fraction = hundredths % 100
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(48 + fraction / 10))
        if fraction % 10 != 0 { bytes.append(UInt8(48 + fraction % 10)) }
    }

    mutating func digits(_ v: Int) {
        if v >= 10 { digits(v / 10) }
        bytes.append(UInt8(48 + v % 10))
    }

    mutating func color(_ c: PDFPage.Color, _ op: String) {
        number(c.r)
        number(c.g)
        number(c.b)
        ascii(op)
    }

    static let hexDigits = Array("0123456789ABCDEF".utf8)

    mutating func hex(_ data: [UInt8]) {
        for b in data {
            bytes.append(Self.hexDigits[Int(b >> 4)])
            bytes.append(Self.hexDigits[Int(b & 0xF)])
        }
    }

}

/// Compressed subset font files (and their ToUnicode maps) by the glyphs they hold: letters of one tenant mostly use the
/// same characters, and building and deflating a font file is most of a PDF's work. A pure
/// function's memo — the same glyphs give the same bytes, cached or not; bounded, emptied when
/// full.
enum FontFiles {
    /// The font, its glyphs and the text each stands for (the ToUnicode map is part of
    /// what is cached, so it is part of the key).
    struct Key: Hashable {
        let font: String
        let glyphs: [UInt16]
        let text: [String]
    }

    static let limit = 512
    typealias Entry = (bytes: [UInt8], length: Int, toUnicode: [UInt8])
    static let cache = Mutex<[Key: Entry]>([:])

    /// The deflated font file, its length, and the deflated ToUnicode map of the same glyphs.
    static func compressed(_ subset: FontSubset) -> Entry {
        let key = Key(
            font: subset.font.postScriptName, glyphs: subset.original,
            text: subset.text.sorted { $0.key < $1.key }.map(\.value))
        if let hit = cache.withLock({ $0[key] }) { return hit }
        let file = subset.fontFile()
        let made = (
            Flate.compress(file, effort: .thorough), file.count,
            Flate.compress(PDFA3Writer.toUnicodeCMap(subset), effort: .thorough)
        )
        cache.withLock { cache in
            if cache.count >= limit { cache.removeAll(keepingCapacity: true) }
            cache[key] = made
        }
        return made
    }
}
