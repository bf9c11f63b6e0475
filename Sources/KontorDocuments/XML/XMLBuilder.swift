/// Writes XML element by element into UTF-8 bytes, escaping as it goes. Output is
/// deterministic: the same calls give the same bytes (attributes in the order given,
/// two-space indentation).
///
/// Invariant: every `open` is matched by a `close` before the result is read (`precondition`).
public struct XMLBuilder: Sendable {
    private var out: [UInt8]
    private var stack: [String] = []

    public init(capacity: Int = 8192) {
        out = []
        out.reserveCapacity(capacity)
        out.append(contentsOf: #"<?xml version="1.0" encoding="UTF-8"?>"#.utf8)
        out.append(UInt8(ascii: "\n"))
    }

    public var bytes: [UInt8] {
        precondition(stack.isEmpty, "unclosed <\(stack.last ?? "")>")
        return out
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        indent()
        startTag(name, attributes)
        out.append(contentsOf: ">\n".utf8)
        stack.append(name)
    }

    public mutating func close() {
        let name = stack.removeLast()
        indent()
        out.append(contentsOf: "</".utf8)
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ">\n".utf8)
    }

    /// `<name>value</name>`; nothing at all when `value` is nil (optional business terms).
    public mutating func leaf(_ name: String, _ value: String?, _ attributes: KeyValuePairs<String, String> = [:]) {
        guard let value else { return }
        indent()
        startTag(name, attributes)
        out.append(UInt8(ascii: ">"))
        escape(value)
        out.append(contentsOf: "</".utf8)
        out.append(contentsOf: name.utf8)
        out.append(contentsOf: ">\n".utf8)
    }

    /// An element with children, written by `body`.
    public mutating func element(
        _ name: String, _ attributes: KeyValuePairs<String, String> = [:], _ body: (inout XMLBuilder) -> Void
    ) {
        open(name, attributes)
        body(&self)
        close()
    }

    private mutating func indent() {
        for _ in 0..<stack.count { out.append(contentsOf: "  ".utf8) }
    }

    private mutating func startTag(_ name: String, _ attributes: KeyValuePairs<String, String>) {
        out.append(UInt8(ascii: "<"))
        out.append(contentsOf: name.utf8)
        for (key, value) in attributes {
            out.append(UInt8(ascii: " "))
            out.append(contentsOf: key.utf8)
            out.append(contentsOf: "=\"".utf8)
            escape(value)
            out.append(UInt8(ascii: "\""))
        }
    }

    /// Escapes markup characters and drops what XML 1.0 cannot carry (C0 controls other than
    /// tab, line feed and carriage return; U+FFFE and U+FFFF).
    private mutating func escape(_ text: String) {
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0x26: out.append(contentsOf: "&amp;".utf8)
            case 0x3C: out.append(contentsOf: "&lt;".utf8)
            case 0x3E: out.append(contentsOf: "&gt;".utf8)
            case 0x22: out.append(contentsOf: "&quot;".utf8)
            case 0x09, 0x0A, 0x0D: out.append(UInt8(scalar.value))
            case 0..<0x20, 0xFFFE, 0xFFFF: continue
            case 0x20..<0x80: out.append(UInt8(scalar.value))
            default: out.append(contentsOf: String(scalar).utf8)
            }
        }
    }

    /// `text` escaped for XML character data (what `leaf` writes).
    public static func escape(_ text: String) -> String {
        var builder = XMLBuilder(capacity: text.utf8.count)
        builder.out.removeAll(keepingCapacity: true)
        builder.escape(text)
        return String(decoding: builder.out, as: UTF8.self)
    }
}
