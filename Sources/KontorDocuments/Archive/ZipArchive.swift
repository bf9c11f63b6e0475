/// A ZIP archive (PKWARE APPNOTE 6.3) of stored, uncompressed files: what an export of a
/// few files needs, readable by every unzip. Written by hand: the package mirror has no ZIP
/// library. File names are UTF-8 (general purpose flag bit 11); times are the DOS epoch
/// (1980-01-01), so the same files always give the same bytes.
public struct ZipArchive: Sendable {
    struct Entry {
        let name: [UInt8]
        let crc: UInt32
        let size: UInt32
        let offset: UInt32
    }

    public private(set) var bytes: [UInt8] = []
    private var entries: [Entry] = []

    public init() {}

    /// Appends a file. Invariant: neither a file nor the archive reaches 4 GiB (no ZIP64).
    public mutating func add(_ name: String, _ data: [UInt8]) {
        precondition(data.count < Int(UInt32.max) && bytes.count + data.count < Int(UInt32.max), "ZIP64 not written")
        let entry = Entry(
            name: Array(name.utf8), crc: Self.crc32(data), size: UInt32(data.count), offset: UInt32(bytes.count))
        put32(0x0403_4b50)
        put16(20)  // version needed: 2.0
        put16(0x0800)  // UTF-8 names
        put16(0)  // stored
        put16(0)  // time 00:00
        put16(0x21)  // date 1980-01-01
        put32(entry.crc)
        put32(entry.size)
        put32(entry.size)
        put16(UInt16(entry.name.count))
        put16(0)
        bytes += entry.name
        bytes += data
        entries.append(entry)
    }

    /// The archive with its central directory.
    public func finished() -> [UInt8] {
        var z = self
        let start = UInt32(z.bytes.count)
        for e in entries {
            z.put32(0x0201_4b50)
            z.put16(20)  // made by
            z.put16(20)
            z.put16(0x0800)
            z.put16(0)
            z.put16(0)
            z.put16(0x21)
            z.put32(e.crc)
            z.put32(e.size)
            z.put32(e.size)
            z.put16(UInt16(e.name.count))
            z.put16(0)  // extra
            z.put16(0)  // comment
            z.put16(0)  // disk
            z.put16(0)  // internal attributes
            z.put32(0)  // external attributes
            z.put32(e.offset)
            z.bytes += e.name
        }
        let size = UInt32(z.bytes.count) - start
        z.put32(0x0605_4b50)
        z.put16(0)
        z.put16(0)
        z.put16(UInt16(entries.count))
        z.put16(UInt16(entries.count))
        z.put32(size)
        z.put32(start)
        z.put16(0)
        return z.bytes
    }

    private mutating func put16(_ v: UInt16) { bytes += [UInt8(v & 0xff), UInt8(v >> 8)] }
    private mutating func put32(_ v: UInt32) {
        bytes += [UInt8(v & 0xff), UInt8((v >> 8) & 0xff), UInt8((v >> 16) & 0xff), UInt8(v >> 24)]
    }

    static let crcTable: [UInt32] = (0..<256).map { n -> UInt32 in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (ISO 3309, reflected, polynomial 0xEDB88320), as ZIP and PNG use it.
    public static func crc32(_ data: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in data { c = crcTable[Int((c ^ UInt32(b)) & 0xff)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
