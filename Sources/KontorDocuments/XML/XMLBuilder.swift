/// Writes XML text element by element, escaping as it goes. Output is deterministic: the same
/// calls give the same bytes (attributes in the order given, two-space indentation).
///
/// Invariant: every `open` is matched by a `close` before `text` is read (`precondition`).
public struct XMLBuilder: Sendable {
    private var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    private var stack: [String] = []

    public init() {}

    public var text: String {
        precondition(stack.isEmpty, "unclosed <\(stack.last ?? "")>")
        return out
    }

    public mutating func open(_ name: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        out += indent + "<" + name + Self.attributes(attributes) + ">\n"
        stack.append(name)
    }

    public mutating func close() {
        let name = stack.removeLast()
        out += indent + "</" + name + ">\n"
    }

    /// `<name>value</name>`; nothing at all when `value` is nil (optional business terms).
    public mutating func leaf(_ name: String, _ value: String?, _ attributes: KeyValuePairs<String, String> = [:]) {
        guard let value else { return }
        out += indent + "<" + name + Self.attributes(attributes) + ">" + Self.escape(value) + "</" + name + ">\n"
    }

    /// An element with children, written by `body`.
    public mutating func element(
        _ name: String, _ attributes: KeyValuePairs<String, String> = [:], _ body: (inout XMLBuilder) -> Void
    ) {
        open(name, attributes)
        body(&self)
        close()
    }

    private var indent: String { String(repeating: "  ", count: stack.count) }

    private static func attributes(_ pairs: KeyValuePairs<String, String>) -> String {
        pairs.map { " \($0.key)=\"\(escape($0.value))\"" }.joined()
    }

    /// Escapes markup characters and drops characters XML 1.0 cannot carry (C0 controls other
    /// than tab, line feed and carriage return).
    public static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            case "\t", "\n", "\r": result.unicodeScalars.append(scalar)
            case _ where scalar.value < 0x20 || scalar.value == 0xFFFE || scalar.value == 0xFFFF: continue
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
