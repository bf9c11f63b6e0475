import CompressNIO
import NIOCore

/// `FlateDecode` streams: zlib-wrapped deflate (RFC 1950), by the system zlib through
/// CompressNIO. The same bytes in give the same bytes out, so documents stay reproducible.
///
/// `.thorough` (level 9) for what is made once and cached (fonts, the ICC profile); `.fast`
/// (level 1) for what every document makes anew (its content and its XML): a few hundred bytes
/// larger, several times less work.
enum Flate {
    enum Effort {
        case fast
        case thorough
    }

    static func compress(_ bytes: [UInt8], effort: Effort = .fast) -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        let configuration = ZlibConfiguration(
            compressionLevel: effort == .fast ? .fastestCompression : .bestCompression)
        guard let output = try? input.compress(with: .zlib(configuration: configuration)) else {
            preconditionFailure("zlib refused to compress \(bytes.count) bytes")
        }
        return Array(output.readableBytesView)
    }
}
