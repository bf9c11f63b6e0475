import Foundation

/// A TrueType font read once: the tables a PDF needs to measure text and embed a subset.
///
/// Invariants: `glyph(for:)` never returns a glyph id outside `0..<glyphCount` (0 is `.notdef`);
/// `advance(of:)` is in font units (`unitsPerEm` per em). Parsing is pure: the bytes come in,
/// nothing is read from disk here (`FontLibrary` loads the files).
public struct TrueTypeFont: Sendable {
    public enum ParseError: Error, Equatable {
        case missingTable(String)
        case malformed(String)
    }

    public let postScriptName: String
    let data: [UInt8]
    let tables: [String: Range<Int>]
    public let unitsPerEm: Int
    public let glyphCount: Int
    /// head: xMin, yMin, xMax, yMax.
    public let boundingBox: (Int, Int, Int, Int)
    public let ascent: Int
    public let descent: Int
    public let capHeight: Int
    public let italicAngle: Double
    public let isBold: Bool
    let advances: [UInt16]
    let sideBearings: [UInt16]
    let glyphOffsets: [Int]
    let cmap: [UInt32: UInt16]
    /// The Basic Multilingual Plane of `cmap` as a table: text is measured and encoded a
    /// character at a time, and a dictionary lookup per character showed in profiles.
    let bmp: [UInt16]

    public init(bytes: [UInt8], postScriptName: String) throws {
        data = bytes
        self.postScriptName = postScriptName
        guard bytes.count > 12 else { throw ParseError.malformed("header") }
        var tables: [String: Range<Int>] = [:]
        let count = Int(bytes.u16(4))
        for i in 0..<count {
            let at = 12 + 16 * i
            guard at + 16 <= bytes.count else { throw ParseError.malformed("table directory") }
            let tag = String(decoding: bytes[at..<at + 4], as: UTF8.self)
            let offset = Int(bytes.u32(at + 8))
            let length = Int(bytes.u32(at + 12))
            guard offset + length <= bytes.count else { throw ParseError.malformed(tag) }
            tables[tag] = offset..<offset + length
        }
        self.tables = tables
        func table(_ tag: String) throws -> Int {
            guard let range = tables[tag] else { throw ParseError.missingTable(tag) }
            return range.lowerBound
        }
        let head = try table("head")
        unitsPerEm = Int(bytes.u16(head + 18))
        boundingBox = (
            Int(bytes.i16(head + 36)), Int(bytes.i16(head + 38)), Int(bytes.i16(head + 40)), Int(bytes.i16(head + 42))
        )
        let longOffsets = bytes.i16(head + 50) == 1
        glyphCount = Int(bytes.u16(try table("maxp") + 4))
        let hhea = try table("hhea")
        ascent = Int(bytes.i16(hhea + 4))
        descent = Int(bytes.i16(hhea + 6))
        let metrics = Int(bytes.u16(hhea + 34))
        let hmtx = try table("hmtx")
        var advances = [UInt16](repeating: 0, count: glyphCount)
        for g in 0..<glyphCount { advances[g] = bytes.u16(hmtx + 4 * min(g, metrics - 1)) }
        self.advances = advances
        sideBearings = (0..<glyphCount).map { g in
            g < metrics ? bytes.u16(hmtx + 4 * g + 2) : bytes.u16(hmtx + 4 * metrics + 2 * (g - metrics))
        }
        let loca = try table("loca")
        glyphOffsets = (0...glyphCount).map { g in
            longOffsets ? Int(bytes.u32(loca + 4 * g)) : Int(bytes.u16(loca + 2 * g)) * 2
        }
        if let os2 = tables["OS/2"]?.lowerBound, tables["OS/2"]!.count >= 90 {
            capHeight = Int(bytes.i16(os2 + 88))
            isBold = bytes.u16(os2 + 4) >= 600
        } else {
            capHeight = ascent
            isBold = false
        }
        italicAngle = tables["post"].map { Double(bytes.i16($0.lowerBound + 4)) } ?? 0
        let cmap = try Self.readCmap(bytes, at: try table("cmap"))
        self.cmap = cmap
        var bmp = [UInt16](repeating: 0, count: 0x10000)
        for (c, g) in cmap where c < 0x10000 { bmp[Int(c)] = g }
        self.bmp = bmp
    }

    /// The glyph for a character; `.notdef` (0) when the font has none.
    public func glyph(for scalar: Unicode.Scalar) -> UInt16 {
        scalar.value < 0x10000 ? bmp[Int(scalar.value)] : cmap[scalar.value] ?? 0
    }

    public func advance(of glyph: UInt16) -> Int { Int(advances[Int(glyph)]) }

    /// The width of `text` at `size` points.
    public func width(of text: String, size: Double) -> Double {
        var units = 0
        for scalar in text.unicodeScalars { units += advance(of: glyph(for: scalar)) }
        return Double(units) * size / Double(unitsPerEm)
    }

    /// The outline bytes of one glyph (empty for a glyph without contours, e.g. the space).
    func outline(_ glyph: UInt16) -> ArraySlice<UInt8> {
        let base = tables["glyf"]!.lowerBound
        return data[base + glyphOffsets[Int(glyph)]..<base + glyphOffsets[Int(glyph) + 1]]
    }

    /// Reads the Unicode BMP (format 4) or full (format 12) subtable.
    static func readCmap(_ b: [UInt8], at cmap: Int) throws -> [UInt32: UInt16] {
        var best: (format: Int, offset: Int)?
        for i in 0..<Int(b.u16(cmap + 2)) {
            let at = cmap + 4 + 8 * i
            let platform = b.u16(at)
            let encoding = b.u16(at + 2)
            let offset = cmap + Int(b.u32(at + 4))
            let format = Int(b.u16(offset))
            let unicode = (platform == 3 && (encoding == 1 || encoding == 10)) || platform == 0
            guard unicode, format == 4 || format == 12 else { continue }
            if best == nil || format > best!.format { best = (format, offset) }
        }
        guard let (format, t) = best else { throw ParseError.missingTable("cmap (Unicode)") }
        var map: [UInt32: UInt16] = [:]
        if format == 12 {
            for i in 0..<Int(b.u32(t + 12)) {
                let at = t + 16 + 12 * i
                let start = b.u32(at)
                let end = b.u32(at + 4)
                let first = b.u32(at + 8)
                guard end >= start, end - start < 0x11_0000 else { throw ParseError.malformed("cmap") }
                for c in start...end { map[c] = UInt16(truncatingIfNeeded: first + (c - start)) }
            }
            return map
        }
        let segments = Int(b.u16(t + 6)) / 2
        let ends = t + 14
        let starts = ends + 2 * segments + 2
        let deltas = starts + 2 * segments
        let ranges = deltas + 2 * segments
        for s in 0..<segments {
            let end = b.u16(ends + 2 * s)
            let start = b.u16(starts + 2 * s)
            let delta = b.u16(deltas + 2 * s)
            let rangeOffset = Int(b.u16(ranges + 2 * s))
            guard start <= end, start != 0xFFFF else { continue }
            for c in start...end {
                var g: UInt16
                if rangeOffset == 0 {
                    g = c &+ delta
                } else {
                    let at = ranges + 2 * s + rangeOffset + 2 * Int(c - start)
                    g = at + 1 < b.count ? b.u16(at) : 0
                    if g != 0 { g = g &+ delta }
                }
                if g != 0 { map[UInt32(c)] = g }
            }
        }
        return map
    }
}

extension [UInt8] {
    func u16(_ at: Int) -> UInt16 { UInt16(self[at]) << 8 | UInt16(self[at + 1]) }
    func i16(_ at: Int) -> Int16 { Int16(bitPattern: u16(at)) }
    func u32(_ at: Int) -> UInt32 { UInt32(u16(at)) << 16 | UInt32(u16(at + 2)) }
}
