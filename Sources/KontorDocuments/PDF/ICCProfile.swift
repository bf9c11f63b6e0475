import Foundation

/// An sRGB ICC profile (version 2, display class, matrix and tone curves) written from the
/// standard's numbers — the `DestOutputProfile` of a PDF/A output intent, so the page's
/// `DeviceRGB` colours mean sRGB. Built once; the bytes never change.
enum ICCProfile {
    static let sRGB: [UInt8] = make()
    /// Deflated once: every PDF embeds the same bytes.
    static let compressed: [UInt8] = Flate.compress(sRGB, effort: .thorough)

    static func make() -> [UInt8] {
        func s15(_ v: Double) -> [UInt8] { be32(UInt32(bitPattern: Int32((v * 65536).rounded()))) }
        func xyz(_ x: Double, _ y: Double, _ z: Double) -> [UInt8] {
            Array("XYZ ".utf8) + [0, 0, 0, 0] + s15(x) + s15(y) + s15(z)
        }
        let description = "sRGB IEC61966-2.1"
        var desc = Array("desc".utf8) + [0, 0, 0, 0] + be32(UInt32(description.utf8.count + 1))
        desc += Array(description.utf8) + [0]
        desc += [UInt8](repeating: 0, count: 4 + 4 + 2 + 1 + 67)
        let copyright = Array("text".utf8) + [0, 0, 0, 0] + Array("No copyright, use freely".utf8) + [0]
        // The sRGB transfer function sampled at 256 points.
        var curve = Array("curv".utf8) + [0, 0, 0, 0] + be32(256)
        for i in 0..<256 {
            let v = Double(i) / 255
            let linear = v <= 0.04045 ? v / 12.92 : pow((v + 0.055) / 1.055, 2.4)
            let sample = UInt16((linear * 65535).rounded())
            curve += [UInt8(sample >> 8), UInt8(sample & 0xFF)]
        }
        let tags: [(String, [UInt8])] = [
            ("desc", desc), ("cprt", copyright), ("wtpt", xyz(0.9642, 1.0, 0.8249)),
            ("rXYZ", xyz(0.4361, 0.2225, 0.0139)), ("gXYZ", xyz(0.3851, 0.7169, 0.0971)),
            ("bXYZ", xyz(0.1431, 0.0606, 0.7141)), ("rTRC", curve), ("gTRC", curve), ("bTRC", curve),
        ]
        var table = be32(UInt32(tags.count))
        var body: [UInt8] = []
        var offset = 128 + 4 + 12 * tags.count
        var curveOffset: Int?
        for (signature, data) in tags {
            let shared = signature.hasSuffix("TRC") ? curveOffset : nil
            let at = shared ?? offset
            table += Array(signature.utf8) + be32(UInt32(at)) + be32(UInt32(data.count))
            if shared == nil {
                body += data
                while body.count % 4 != 0 { body.append(0) }
                offset = 128 + 4 + 12 * tags.count + body.count
                if signature == "rTRC" { curveOffset = at }
            }
        }
        let size = 128 + table.count + body.count
        var header = be32(UInt32(size)) + [0, 0, 0, 0] + [0x02, 0x10, 0, 0]
        header += Array("mntrRGB XYZ ".utf8)
        header += [2026, 1, 1, 0, 0, 0].flatMap { be16(UInt16($0)) }
        header += Array("acsp".utf8) + [UInt8](repeating: 0, count: 24) + be32(0)
        header += s15(0.9642) + s15(1.0) + s15(0.8249)
        header += [UInt8](repeating: 0, count: 128 - header.count)
        return header + table + body
    }

    static func be32(_ v: UInt32) -> [UInt8] {
        [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)]
    }
    static func be16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
}
