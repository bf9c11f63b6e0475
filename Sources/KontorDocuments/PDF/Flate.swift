import CompressNIO
import NIOCore

/// `FlateDecode` streams: zlib-wrapped deflate (RFC 1950), by the system zlib through
/// CompressNIO. The same bytes in give the same bytes out, so documents stay reproducible.
enum Flate {
    static func compress(_ bytes: [UInt8]) -> [UInt8] {
        var input = ByteBuffer(bytes: bytes)
        let configuration = ZlibConfiguration(compressionLevel: .compressionLevel6)
        guard let output = try? input.compress(with: .zlib(configuration: configuration)) else {
            preconditionFailure("zlib refused to compress \(bytes.count) bytes")
        }
        return Array(output.readableBytesView)
    }
}
