/// A credit on the merchant's bank account, as a statement reports it.
public struct BankCredit: Hashable, Sendable {
    public let amount: Int64
    public let currency: String
    /// Unstructured remittance text (`RmtInf/Ustrd`), joined.
    public let remittance: String
    /// Payer IBAN (`RltdPties/DbtrAcct`), normalised (no spaces, upper case).
    public let payerIBAN: String?
    public let payerName: String?

    public init(amount: Int64, currency: String, remittance: String, payerIBAN: String?, payerName: String?) {
        self.amount = amount
        self.currency = currency
        self.remittance = remittance
        self.payerIBAN = payerIBAN.map { $0.filter { !$0.isWhitespace }.uppercased() }
        self.payerName = payerName
    }

    /// Words of the remittance text that could be document numbers: runs of letters, digits,
    /// `-`, `/` and `_`, upper-cased. Banks break long texts into 35-character lines; the
    /// importer joins them with a space before this runs.
    public var referenceTokens: Set<String> {
        var tokens: Set<String> = []
        var current = ""
        for ch in remittance.uppercased() {
            if ch.isLetter || ch.isNumber || ch == "-" || ch == "/" || ch == "_" {
                current.append(ch)
            } else {
                if !current.isEmpty { tokens.insert(Self.trimmed(current)) }
                current = ""
            }
        }
        if !current.isEmpty { tokens.insert(Self.trimmed(current)) }
        tokens.remove("")
        return tokens
    }

    private static func trimmed(_ s: String) -> String {
        String(s.drop { $0 == "-" || $0 == "/" }.reversed().drop { $0 == "-" || $0 == "/" }.reversed())
    }
}
