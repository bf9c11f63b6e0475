/// Writes a PDF file object by object: numbers are reserved first so objects can refer to
/// each other in any order, then each is written once; `finish` adds the cross-reference table
/// and the trailer.
///
/// Invariants: every reserved object is written exactly once before `finish`; the offsets in
/// the table are the byte positions of `n 0 obj`; nothing depends on a clock — the same calls
/// give the same bytes.
struct PDFWriter {
    private(set) var bytes: [UInt8] = []
    private var offsets: [Int?] = []

    init() {
        // A binary comment line tells transfer programs the file is binary (PDF/A-3 § 6.1.2).
        bytes += Array("%PDF-1.7\n%".utf8) + [0xE2, 0xE3, 0xCF, 0xD3, 0x0A]
    }

    /// A new object number.
    mutating func reserve() -> Int {
        offsets.append(nil)
        return offsets.count
    }

    /// Writes object `n` as a dictionary or other value.
    mutating func write(_ n: Int, _ value: String) {
        precondition(offsets[n - 1] == nil, "object \(n) written twice")
        offsets[n - 1] = bytes.count
        bytes += Array("\(n) 0 obj\n\(value)\nendobj\n".utf8)
    }

    /// Writes object `n` as a stream; `/Length` is added to `dictionary` (without the `<< >>`).
    mutating func write(_ n: Int, stream: [UInt8], dictionary: String) {
        precondition(offsets[n - 1] == nil, "object \(n) written twice")
        offsets[n - 1] = bytes.count
        bytes += Array("\(n) 0 obj\n<<\(dictionary) /Length \(stream.count)>>\nstream\n".utf8)
        bytes += stream
        bytes += Array("\nendstream\nendobj\n".utf8)
    }

    /// Adds a new object and returns its number.
    mutating func add(_ value: String) -> Int {
        let n = reserve()
        write(n, value)
        return n
    }

    mutating func add(stream: [UInt8], dictionary: String) -> Int {
        let n = reserve()
        write(n, stream: stream, dictionary: dictionary)
        return n
    }

    /// The cross-reference table and trailer; `id` is the file identifier (two equal halves
    /// for a file written once).
    consuming func finish(root: Int, info: Int, id: String) -> [UInt8] {
        let start = bytes.count
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f \n"
        for (i, offset) in offsets.enumerated() {
            guard let offset else { preconditionFailure("object \(i + 1) reserved but never written") }
            let digits = String(offset)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        table += "trailer\n<</Size \(offsets.count + 1) /Root \(root) 0 R /Info \(info) 0 R /ID [<\(id)> <\(id)>]>>\n"
        table += "startxref\n\(start)\n%%EOF\n"
        bytes += Array(table.utf8)
        return bytes
    }
}

/// PDF string and name syntax.
enum PDFSyntax {
    /// A text string: literal when it is printable ASCII, else UTF-16BE with a byte order mark.
    static func text(_ s: String) -> String {
        if s.unicodeScalars.allSatisfy({ $0.value >= 0x20 && $0.value < 0x7F }) {
            var out = "("
            for c in s {
                if c == "(" || c == ")" || c == "\\" { out.append("\\") }
                out.append(c)
            }
            return out + ")"
        }
        return "<FEFF" + s.utf16.map { hex16($0) }.joined() + ">"
    }

    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hex16(_ v: UInt16) -> String { hex([UInt8(v >> 8), UInt8(v & 0xFF)]) }

    /// A number with at most 2 decimals, no exponent (`12.5`, `-3`, `0.35`).
    static func number(_ v: Double) -> String {
        let scaled = (v * 100).rounded()
        let whole = Int(scaled) / 100
        let fraction = abs(Int(scaled) % 100)
        let sign = scaled < 0 && whole == 0 ? "-" : ""
        if fraction == 0 { return sign + String(whole) }
        let f = fraction % 10 == 0 ? String(fraction / 10) : (fraction < 10 ? "0" : "") + String(fraction)
        return sign + String(whole) + "." + f
    }
}
