/// How a number of an invoice series is written: `{YYYY}-{seq:06}` → `2026-000042`.
///
/// Tokens: `{YYYY}`, `{YY}`, `{MM}` (issue date), `{seq}` or `{seq:0N}` (the series counter,
/// zero-padded to N digits). The counter never resets, so numbers stay unique and strictly
/// increasing within a series even when the format has no year in it.
public struct InvoiceNumberFormat: Hashable, Sendable {
    public let pattern: String

    public static let invoiceDefault = InvoiceNumberFormat(validated: "{YYYY}-{seq:06}")
    public static let creditNoteDefault = InvoiceNumberFormat(validated: "CN-{YYYY}-{seq:06}")

    public init(_ pattern: String) throws(ValidationError) {
        guard pattern.contains("{seq"), pattern.count <= 40 else {
            throw ValidationError(
                field: "invoice_number_format", message: "must contain {seq} and be at most 40 characters")
        }
        self.pattern = pattern
    }

    private init(validated: String) { self.pattern = validated }

    public func format(sequence: Int64, issueDate: LocalDate) -> String {
        func pad(_ n: Int64, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        var result = pattern
        result = result.replacingOccurrences("{YYYY}", with: pad(Int64(issueDate.year), 4))
        result = result.replacingOccurrences("{YY}", with: pad(Int64(issueDate.year % 100), 2))
        result = result.replacingOccurrences("{MM}", with: pad(Int64(issueDate.month), 2))
        for width in (1...12).reversed() {
            result = result.replacingOccurrences("{seq:0\(width)}", with: pad(sequence, width))
        }
        return result.replacingOccurrences("{seq}", with: String(sequence))
    }
}

extension String {
    /// Plain substring replacement without Foundation (KontorCore stays Foundation-light).
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
