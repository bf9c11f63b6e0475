import Foundation
import KontorCore

/// The EPC069-12 "SEPA credit transfer" QR code (GiroCode): version 002, UTF-8, the payee,
/// IBAN, amount in euro and the remittance text. A banking app fills the transfer from it.
public enum EPCPaymentCode {
    /// The payload, or nil when no code may be made: only euro, only 0.01 … 999,999,999.99.
    public static func payload(
        name: String, iban: String, bic: String?, amount: Int64, currency: Currency, remittance: String
    )
        -> String?
    {
        guard currency.code == "EUR", amount > 0, amount <= 99_999_999_999 else { return nil }
        let lines = [
            "BCD", "002", "1", "SCT", bic ?? "", String(name.prefix(70)), iban.replacingOccurrences(of: " ", with: ""),
            "EUR" + DecimalText.amount(amount, currency), "", "", String(remittance.prefix(140)),
        ]
        return lines.joined(separator: "\n")
    }

    public static func code(
        name: String, iban: String, bic: String?, amount: Int64, currency: Currency, remittance: String
    )
        -> QRCode?
    {
        guard
            let text = payload(
                name: name, iban: iban, bic: bic, amount: amount, currency: currency, remittance: remittance)
        else { return nil }
        return try? QRCode(bytes: Array(text.utf8))
    }
}
