/// A baseline or progressive JPEG (the tenant's logo), embedded as it is (`DCTDecode`): only
/// its size and colour components are read. CMYK is refused — a PDF/A file with an sRGB
/// output intent may only paint in RGB or gray.
public struct JPEGImage: Sendable, Equatable {
    public enum ParseError: Error, Equatable {
        case notJPEG
        case unsupportedComponents(Int)
    }

    public let bytes: [UInt8]
    public let width: Int
    public let height: Int
    /// 1 gray, 3 RGB (YCbCr).
    public let components: Int

    public init(bytes: [UInt8]) throws {
        guard bytes.count > 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { throw ParseError.notJPEG }
        var at = 2
        while at + 9 < bytes.count {
            guard bytes[at] == 0xFF else { throw ParseError.notJPEG }
            let marker = bytes[at + 1]
            if marker == 0xD8 || marker == 0x01 || (0xD0...0xD7).contains(marker) {
                at += 2
                continue
            }
            let length = Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
            // SOF0…SOF15 except DHT (C4), JPG (C8) and DAC (CC).
            if (0xC0...0xCF).contains(marker), ![0xC4, 0xC8, 0xCC].contains(marker) {
                height = Int(bytes[at + 5]) << 8 | Int(bytes[at + 6])
                width = Int(bytes[at + 7]) << 8 | Int(bytes[at + 8])
                components = Int(bytes[at + 9])
                guard components == 1 || components == 3 else { throw ParseError.unsupportedComponents(components) }
                guard width > 0, height > 0 else { throw ParseError.notJPEG }
                self.bytes = bytes
                return
            }
            at += 2 + length
        }
        throw ParseError.notJPEG
    }
}
