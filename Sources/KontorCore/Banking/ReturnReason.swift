/// ISO 20022 reason codes of returned SEPA debits (Rücklastschrift), as banks report them in
/// `RtrInf/Rsn/Cd`.
public enum ReturnReason {
    public static let descriptions: [String: String] = [
        "AC01": "incorrect account number",
        "AC04": "account closed",
        "AC06": "account blocked",
        "AG01": "transaction forbidden on this account",
        "AM04": "insufficient funds",
        "AM05": "duplicate collection",
        "MD01": "no mandate",
        "MD06": "refund requested by the debtor",
        "MD07": "debtor deceased",
        "MS02": "reason not specified (debtor)",
        "MS03": "reason not specified (agent)",
        "SL01": "specific service offered by the debtor bank",
    ]

    /// A code is four upper-case letters or digits (the ISO external code list may grow).
    public static func isValid(_ code: String) -> Bool {
        code.count == 4 && code.allSatisfy { ($0.isUppercase && $0.isASCII) || ($0.isNumber && $0.isASCII) }
    }
}
