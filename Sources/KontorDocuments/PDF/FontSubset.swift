/// The glyphs one document uses, renumbered from 1 and written as a TrueType font of their own
/// (the `FontFile2` of a PDF CID font, CIDs equal to the new glyph ids).
///
/// Invariants: new glyph 0 is `.notdef`; a composite glyph's components are in the subset and
/// renumbered in its outline; the same characters give the same bytes (ids are assigned in the
/// order of the original glyph ids, never by order of use). Hinting is dropped — it serves
/// screens at small pixel sizes, and costs a third of the bytes.
public struct FontSubset: Sendable {
    public let font: TrueTypeFont
    /// Original glyph id → new glyph id (the CID a content stream writes).
    let newID: [UInt16: UInt16]
    /// New glyph id → original glyph id.
    let original: [UInt16]
    /// New glyph id → the text it stands for (ToUnicode).
    let text: [UInt16: String]

    /// A subset holding every glyph `texts` needs.
    public init(font: TrueTypeFont, texts: some Sequence<String>) {
        var used: Set<UInt16> = [0]
        var unicode: [UInt16: String] = [:]
        for text in texts {
            for scalar in text.unicodeScalars {
                let g = font.glyph(for: scalar)
                used.insert(g)
                // Of several characters drawn by one glyph, the lowest stands for it: the
                // map does not depend on the order the text came in.
                if g != 0, unicode[g].map({ scalar.value < $0.unicodeScalars.first!.value }) ?? true {
                    unicode[g] = String(scalar)
                }
            }
        }
        var pending = Array(used)
        while let g = pending.popLast() {
            for component in Self.components(of: font.outline(g)) where used.insert(component).inserted {
                pending.append(component)
            }
        }
        let sorted = used.sorted()
        original = sorted
        let ids = Dictionary(uniqueKeysWithValues: sorted.enumerated().map { ($1, UInt16($0)) })
        newID = ids
        text = Dictionary(uniqueKeysWithValues: unicode.map { (ids[$0]!, $1) })
        self.font = font
    }

    /// The CIDs of `text`, two bytes each (Identity-H).
    public func encode(_ text: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(text.unicodeScalars.count * 2)
        for scalar in text.unicodeScalars {
            let cid = newID[font.glyph(for: scalar)] ?? 0
            out.append(UInt8(cid >> 8))
            out.append(UInt8(cid & 0xFF))
        }
        return out
    }

    public var glyphCount: Int { original.count }

    /// The advance of each new glyph in PDF text space units (1/1000 em).
    public var widths: [Int] {
        original.map { (font.advance(of: $0) * 1000 + font.unitsPerEm / 2) / font.unitsPerEm }
    }

    /// Six capital letters that name this subset (PDF § 9.6.4), derived from the glyphs in it.
    public var tag: String {
        var h: UInt32 = 2_166_136_261
        for g in original {
            h = (h ^ UInt32(g)) &* 16_777_619
        }
        return String(
            (0..<6).map { i in Character(Unicode.Scalar(UInt8(65 + (h >> (UInt32(i) * 5)) % 26))) })
    }

    /// The subset as a TrueType file: cmap, glyf, head, hhea, hmtx, loca, maxp, post.
    public func fontFile() -> [UInt8] {
        var glyf: [UInt8] = []
        var loca: [UInt8] = []
        for g in original {
            loca.appendU32(UInt32(glyf.count))
            glyf += Self.withoutHinting(font.outline(g), renumber: newID)
            while glyf.count % 4 != 0 { glyf.append(0) }
        }
        loca.appendU32(UInt32(glyf.count))
        var hmtx: [UInt8] = []
        for g in original {
            hmtx.appendU16(UInt16(font.advance(of: g)))
            hmtx.appendU16(font.sideBearings[Int(g)])
        }
        let source = font.data
        func copy(_ tag: String) -> [UInt8] { Array(source[font.tables[tag]!]) }
        var head = copy("head")
        head.replace(at: 8, u32: 0)
        head.replace(at: 50, u16: 1)  // long loca offsets
        var hhea = copy("hhea")
        hhea.replace(at: 34, u16: UInt16(original.count))
        var maxp = copy("maxp")
        maxp.replace(at: 4, u16: UInt16(original.count))
        var post: [UInt8] = []
        post.appendU32(0x0003_0000)
        post += source[font.tables["post"]!.lowerBound + 4..<font.tables["post"]!.lowerBound + 32]
        // A format 4 cmap with only the closing segment: the PDF maps CIDs to glyphs itself.
        let cmap: [UInt8] = [
            0, 0, 0, 1, 0, 3, 0, 1, 0, 0, 0, 12,
            0, 4, 0, 24, 0, 0, 0, 2, 0, 2, 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF, 0, 1, 0, 0,
        ]
        var file = Self.assemble([
            ("cmap", cmap), ("glyf", glyf), ("head", head), ("hhea", hhea), ("hmtx", hmtx), ("loca", loca),
            ("maxp", maxp), ("post", post),
        ])
        let headAt = file.headOffset
        file.replace(at: headAt + 8, u32: 0xB1B0_AFBA &- Self.checksum(file[...]))
        return file
    }

    static func assemble(_ tables: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        let n = tables.count
        var power = 1
        var log = 0
        while power * 2 <= n {
            power *= 2
            log += 1
        }
        out.appendU32(0x0001_0000)
        out.appendU16(UInt16(n))
        out.appendU16(UInt16(power * 16))
        out.appendU16(UInt16(log))
        out.appendU16(UInt16(n * 16 - power * 16))
        var offset = 12 + 16 * n
        var body: [UInt8] = []
        for (tag, table) in tables {
            out += Array(tag.utf8)
            out.appendU32(checksum(table[...]))
            out.appendU32(UInt32(offset))
            out.appendU32(UInt32(table.count))
            body += table
            while body.count % 4 != 0 { body.append(0) }
            offset = 12 + 16 * n + body.count
        }
        return out + body
    }

    static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt32 {
        var sum: UInt32 = 0
        var i = bytes.startIndex
        while i < bytes.endIndex {
            var word: UInt32 = 0
            for k in 0..<4 { word = word << 8 | UInt32(i + k < bytes.endIndex ? bytes[i + k] : 0) }
            sum = sum &+ word
            i += 4
        }
        return sum
    }

    // MARK: glyph outlines

    static let argsAreWords: UInt16 = 0x0001
    static let hasScale: UInt16 = 0x0008
    static let moreComponents: UInt16 = 0x0020
    static let hasXYScale: UInt16 = 0x0040
    static let hasTwoByTwo: UInt16 = 0x0080
    static let hasInstructions: UInt16 = 0x0100

    /// The glyphs a composite outline is made of (none for a simple one).
    static func components(of outline: ArraySlice<UInt8>) -> [UInt16] {
        var result: [UInt16] = []
        walkComponents(outline) { at in result.append(outline.u16(at)) }
        return result
    }

    /// Calls `body` with the offset of each component's glyph index; returns where the
    /// components end, or nil for a simple glyph.
    @discardableResult
    static func walkComponents(_ g: ArraySlice<UInt8>, _ body: (Int) -> Void) -> Int? {
        guard g.count >= 10, g.i16(g.startIndex) < 0 else { return nil }
        var at = g.startIndex + 10
        while at + 4 <= g.endIndex {
            let flags = g.u16(at)
            body(at + 2)
            at += 4 + (flags & argsAreWords != 0 ? 4 : 2)
            if flags & hasScale != 0 {
                at += 2
            } else if flags & hasXYScale != 0 {
                at += 4
            } else if flags & hasTwoByTwo != 0 {
                at += 8
            }
            if flags & moreComponents == 0 { break }
        }
        return at
    }

    /// The outline with its instructions removed and component ids renumbered.
    static func withoutHinting(_ g: ArraySlice<UInt8>, renumber: [UInt16: UInt16]) -> [UInt8] {
        guard g.count >= 10 else { return [] }
        let contours = Int(g.i16(g.startIndex))
        if contours >= 0 {
            let lengthAt = g.startIndex + 10 + 2 * contours
            let instructions = Int(g.u16(lengthAt))
            return Array(g[g.startIndex..<lengthAt]) + [0, 0] + Array(g[(lengthAt + 2 + instructions)...])
        }
        var out = Array(g)
        var flagOffsets: [Int] = []
        let end =
            walkComponents(g) { at in
                let local = at - g.startIndex
                out.replace(at: local, u16: renumber[g.u16(at)] ?? 0)
                flagOffsets.append(local - 2)
            } ?? g.endIndex
        for f in flagOffsets { out.replace(at: f, u16: out.u16(f) & ~hasInstructions) }
        return Array(out[0..<(end - g.startIndex)])
    }
}

extension ArraySlice<UInt8> {
    func u16(_ at: Int) -> UInt16 { UInt16(self[at]) << 8 | UInt16(self[at + 1]) }
    func i16(_ at: Int) -> Int16 { Int16(bitPattern: u16(at)) }
}

extension [UInt8] {
    mutating func appendU16(_ v: UInt16) {
        append(UInt8(v >> 8))
        append(UInt8(v & 0xFF))
    }

    mutating func appendU32(_ v: UInt32) {
        appendU16(UInt16(v >> 16))
        appendU16(UInt16(v & 0xFFFF))
    }

    mutating func replace(at: Int, u16 v: UInt16) {
        self[at] = UInt8(v >> 8)
        self[at + 1] = UInt8(v & 0xFF)
    }

    mutating func replace(at: Int, u32 v: UInt32) {
        replace(at: at, u16: UInt16(v >> 16))
        replace(at: at + 2, u16: UInt16(v & 0xFFFF))
    }

    /// Where the `head` table starts in a font file this module assembled.
    var headOffset: Int {
        let n = Int(u16(4))
        for i in 0..<n where self[12 + 16 * i..<16 + 16 * i].elementsEqual("head".utf8) {
            return Int(u32(12 + 16 * i + 8))
        }
        return 0
    }
}
