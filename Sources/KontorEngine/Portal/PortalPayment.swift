import Foundation
import KontorCore

/// How the debtor pays an item in the portal. No card number ever reaches Kontor: a card is
/// the payment provider's token (in test mode one of the sandbox's test cards).
public enum PortalPayment: Sendable {
    case card(token: String)
    case sepaDebit(iban: String, holder: String)

    /// The sandbox's test cards the portal offers in test mode, as a provider's card field
    /// would hand them over: token, brand, last four digits. Their outcomes are the sandbox's.
    public static let sandboxCards: [(token: String, brand: String, last4: String, label: String)] = [
        ("tok_visa", "visa", "4242", "Visa •••• 4242"),
        ("tok_mastercard", "mastercard", "4444", "Mastercard •••• 4444"),
        ("tok_insufficient_funds", "visa", "9995", "Visa •••• 9995 (declined: insufficient funds)"),
        ("tok_expired_card", "visa", "0069", "Visa •••• 0069 (declined: expired card)"),
    ]
}

/// What came of a portal payment.
public enum PortalPaymentResult: Sendable, Equatable {
    case paid(amount: Int64, currency: String)
    /// A SEPA debit submitted: through the gateway it settles when the bank collects it (the
    /// item is paid now, and reopened if the debit is returned); by bank file it is scheduled
    /// for its collection date (the item stays open, and is not dunned, until then).
    case debited(amount: Int64, currency: String)
    case declined(code: String)
    /// Another payment of this item is under way, or nothing is left to pay.
    case nothingCharged
}
