/// How a number of an invoice series is written: `{YYYY}-{seq:06}` → `2026-000042`.
///
/// Tokens: `{YYYY}`, `{YY}`, `{MM}` (issue date), `{seq}` or `{seq:0N}` (the series counter,
/// zero-padded to N digits). The counter never resets, so numbers stay unique and strictly
/// increasing within a series even when the format has no year in it.
public struct InvoiceNumberFormat: Hashable, Sendable {
    public let pattern: String
    /// The pattern cut into pieces once, so formatting 10,000 numbers is a few appends each.
    private let tokens: [Token]

    enum Token: Hashable, Sendable {
        case literal(String)
        case year4, year2, month
        case sequence(width: Int)
    }

    public static let invoiceDefault = InvoiceNumberFormat(validated: "{YYYY}-{seq:06}")
    public static let creditNoteDefault = InvoiceNumberFormat(validated: "CN-{YYYY}-{seq:06}")
    /// Fee items (Gebühren: dunning fees, interest, return fees) are no invoices: own series.
    public static let feeItemDefault = InvoiceNumberFormat(validated: "GB-{YYYY}-{seq:06}")

    public init(_ pattern: String) throws(ValidationError) {
        guard pattern.count <= 40, let tokens = Self.parse(pattern), tokens.contains(where: \.isSequence) else {
            throw ValidationError(
                field: "invoice_number_format",
                message:
                    "must contain {seq} or {seq:0N}, use only {YYYY}, {YY} and {MM} besides, and be at most 40 characters"
            )
        }
        self.pattern = pattern
        self.tokens = tokens
    }

    private init(validated: String) {
        self.pattern = validated
        self.tokens = Self.parse(validated)!
    }

    static func parse(_ pattern: String) -> [Token]? {
        var tokens: [Token] = []
        var rest = pattern[...]
        while let open = rest.firstIndex(of: "{") {
            if open > rest.startIndex { tokens.append(.literal(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else { return nil }
            let name = rest[rest.index(after: open)..<close]
            switch name {
            case "YYYY": tokens.append(.year4)
            case "YY": tokens.append(.year2)
            case "MM": tokens.append(.month)
            case "seq": tokens.append(.sequence(width: 1))
            default:
                guard name.hasPrefix("seq:0"), let width = Int(name.dropFirst(5)), (1...12).contains(width) else {
                    return nil
                }
                tokens.append(.sequence(width: width))
            }
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { tokens.append(.literal(String(rest))) }
        return tokens
    }

    public func format(sequence: Int64, issueDate: LocalDate) -> String {
        func pad(_ n: Int64, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        var result = ""
        for token in tokens {
            switch token {
            case .literal(let text): result += text
            case .year4: result += pad(Int64(issueDate.year), 4)
            case .year2: result += pad(Int64(issueDate.year % 100), 2)
            case .month: result += pad(Int64(issueDate.month), 2)
            case .sequence(let width): result += pad(sequence, width)
            }
        }
        return result
    }
}

extension InvoiceNumberFormat.Token {
    var isSequence: Bool {
        if case .sequence = self { return true }
        return false
    }
}
