/// Which SKR 03 account each of Kontor's ledger accounts becomes in the DATEV export.
///
/// Revenue goes to the account of the invoice's tax treatment. Domestic revenue accounts
/// (8400 at 19 %, 8300 at 7 %) are automatic accounts: DATEV computes the VAT from a gross
/// amount, so revenue and VAT go in one gross row. Revenue taxable in another EU country (OSS)
/// and its foreign VAT are not automatic: net revenue on 8339, the VAT on 1768, each a row.
public enum DATEVAccountsSKR03 {
    public struct Revenue: Hashable, Sendable {
        public let account: Int
        /// DATEV computes the VAT: fold the VAT posting into the revenue row.
        public let automatic: Bool
        /// Where the VAT goes when the account is not automatic.
        public let vatAccount: Int

        public init(account: Int, automatic: Bool, vatAccount: Int) {
            self.account = account
            self.automatic = automatic
            self.vatAccount = vatAccount
        }
    }

    /// - Parameters:
    ///   - treatment: the invoice's `tax_treatment` (`taxable:DE:1900`, `reverse_charge`, …).
    ///   - homeCountry: the seller's country (ISO 3166 alpha-2).
    public static func revenue(treatment: String?, homeCountry: String) -> Revenue {
        let parts = (treatment ?? "").split(separator: ":").map(String.init)
        switch parts.first ?? "" {
        case "reverse_charge": return Revenue(account: 8336, automatic: false, vatAccount: vat)
        case "outside_scope": return Revenue(account: 8338, automatic: false, vatAccount: vat)
        case "exempt": return Revenue(account: 8100, automatic: false, vatAccount: vat)
        case "taxable" where parts.count == 3 && parts[1] != homeCountry:
            return Revenue(account: 8339, automatic: false, vatAccount: 1768)
        case "taxable" where parts.count == 3 && parts[2] == "700":
            return Revenue(account: 8300, automatic: true, vatAccount: vat)
        default: return Revenue(account: 8400, automatic: true, vatAccount: vat)
        }
    }

    /// Umsatzsteuer 19 %.
    public static let vat = 1776

    /// The account of every other ledger account (`LedgerAccount.rawValue`); receivables are the
    /// debtor's own account and never a contra account.
    public static func account(_ ledger: String) -> Int {
        switch ledger {
        case "vat_payable": vat
        case "bank": 1200
        case "payment_clearing": 1360
        case "bad_debt": 2400
        case "fee_income": 2700
        case "interest_income": 2650
        default: 1590
        }
    }
}
