/// A QR code (ISO/IEC 18004) in byte mode at error correction level M — what the EPC
/// (GiroCode) payment code prescribes — versions 1 to 20 (up to 666 bytes).
///
/// Invariants: `modules` is `size × size`, row-major, `true` dark; the mask is the one with
/// the lowest penalty (§ 7.8.3), ties to the lower number, so the same text always gives the
/// same symbol.
public struct QRCode: Sendable, Equatable {
    public enum EncodeError: Error, Equatable {
        case tooLong(Int)
    }

    public let version: Int
    /// The data mask chosen (0…7).
    public let mask: Int
    public let size: Int
    public let modules: [Bool]

    public subscript(x: Int, y: Int) -> Bool { modules[y * size + x] }

    /// (EC codewords per block, blocks in group 1, data codewords per block there, blocks in
    /// group 2, data codewords per block there), level M, versions 1…20 (ISO/IEC 18004 table 9).
    static let levelM: [(ec: Int, b1: Int, d1: Int, b2: Int, d2: Int)] = [
        (10, 1, 16, 0, 0), (16, 1, 28, 0, 0), (26, 1, 44, 0, 0), (18, 2, 32, 0, 0), (24, 2, 43, 0, 0),
        (16, 4, 27, 0, 0), (18, 4, 31, 0, 0), (22, 2, 38, 2, 39), (22, 3, 36, 2, 37), (26, 4, 43, 1, 44),
        (30, 1, 50, 4, 51), (22, 6, 36, 2, 37), (22, 8, 37, 1, 38), (24, 4, 40, 5, 41), (24, 5, 41, 5, 42),
        (28, 7, 45, 3, 46), (28, 10, 46, 1, 47), (26, 9, 43, 4, 44), (26, 3, 44, 11, 45), (26, 3, 41, 13, 42),
    ]

    public init(bytes data: [UInt8]) throws {
        guard
            let version = (1...20).first(where: { v in
                let t = Self.levelM[v - 1]
                let capacity = (t.b1 * t.d1 + t.b2 * t.d2) * 8
                return 4 + (v < 10 ? 8 : 16) + 8 * data.count <= capacity
            })
        else { throw EncodeError.tooLong(data.count) }
        self.version = version
        size = 17 + 4 * version
        let codewords = Self.codewords(data, version: version)
        var best: (penalty: Int, mask: Int, modules: [Bool])?
        let base = Matrix(version: version)
        for mask in 0..<8 {
            var m = base
            m.place(codewords)
            m.applyMask(mask)
            m.drawFormat(mask: mask)
            let penalty = m.penalty()
            if best == nil || penalty < best!.penalty { best = (penalty, mask, m.dark) }
        }
        modules = best!.modules
        self.mask = best!.mask
    }

    /// Data codewords (mode, count, bytes, terminator, padding) split into blocks, each with
    /// its Reed-Solomon codewords, interleaved (§ 7.6).
    static func codewords(_ data: [UInt8], version: Int) -> [UInt8] {
        let t = levelM[version - 1]
        let capacity = t.b1 * t.d1 + t.b2 * t.d2
        var bits = BitBuffer()
        bits.append(0b0100, count: 4)
        bits.append(UInt32(data.count), count: version < 10 ? 8 : 16)
        for b in data { bits.append(UInt32(b), count: 8) }
        bits.append(0, count: min(4, capacity * 8 - bits.count))
        bits.append(0, count: (8 - bits.count % 8) % 8)
        var bytes = bits.bytes
        var pad: UInt8 = 0xEC
        while bytes.count < capacity {
            bytes.append(pad)
            pad = pad == 0xEC ? 0x11 : 0xEC
        }
        var blocks: [[UInt8]] = []
        var at = 0
        for (count, length) in [(t.b1, t.d1), (t.b2, t.d2)] {
            for _ in 0..<count {
                blocks.append(Array(bytes[at..<at + length]))
                at += length
            }
        }
        let generator = ReedSolomon.generator(degree: t.ec)
        let ec = blocks.map { ReedSolomon.remainder($0, generator) }
        var out: [UInt8] = []
        for i in 0..<max(t.d1, t.d2) {
            for block in blocks where i < block.count { out.append(block[i]) }
        }
        for i in 0..<t.ec {
            for block in ec { out.append(block[i]) }
        }
        return out
    }
}

struct BitBuffer {
    var bytes: [UInt8] = []
    var count = 0

    mutating func append(_ value: UInt32, count n: Int) {
        for i in stride(from: n - 1, through: 0, by: -1) {
            if count % 8 == 0 { bytes.append(0) }
            if (value >> UInt32(i)) & 1 == 1 { bytes[count / 8] |= 0x80 >> UInt8(count % 8) }
            count += 1
        }
    }
}

/// Reed-Solomon over GF(256) with the QR polynomial x⁸ + x⁴ + x³ + x² + 1.
enum ReedSolomon {
    static let tables: (exp: [UInt8], log: [Int]) = {
        var exp = [UInt8](repeating: 0, count: 512)
        var log = [Int](repeating: 0, count: 256)
        var x = 1
        for i in 0..<255 {
            exp[i] = UInt8(x)
            log[x] = i
            x <<= 1
            if x & 0x100 != 0 { x ^= 0x11D }
        }
        for i in 255..<512 { exp[i] = exp[i - 255] }
        return (exp, log)
    }()

    static func multiply(_ a: UInt8, _ b: UInt8) -> UInt8 {
        guard a != 0, b != 0 else { return 0 }
        return tables.exp[tables.log[Int(a)] + tables.log[Int(b)]]
    }

    /// The coefficients (highest first, leading 1 dropped) of ∏ (x − αⁱ), i < degree.
    static func generator(degree: Int) -> [UInt8] {
        var poly: [UInt8] = [1]
        for i in 0..<degree {
            var next = [UInt8](repeating: 0, count: poly.count + 1)
            for (j, c) in poly.enumerated() {
                next[j] ^= c
                next[j + 1] ^= multiply(c, tables.exp[i])
            }
            poly = next
        }
        return Array(poly.dropFirst())
    }

    static func remainder(_ data: [UInt8], _ generator: [UInt8]) -> [UInt8] {
        var r = [UInt8](repeating: 0, count: generator.count)
        for b in data {
            let factor = b ^ r[0]
            r.removeFirst()
            r.append(0)
            for i in 0..<r.count { r[i] ^= multiply(generator[i], factor) }
        }
        return r
    }
}
