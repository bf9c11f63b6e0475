/// How a tenant collects SEPA direct debits.
public enum SEPACollectionMode: String, Sendable, CaseIterable, Codable {
    /// Through the payment gateway (a PSP, or the sandbox): charged like a card.
    case gateway
    /// By the tenant's own bank: debits are scheduled and go out in pain.008 files
    /// (`/v1/sepa_batches`), settling on their collection date.
    case bankFile = "bank_file"
}

/// The pre-notification period a tenant gives its debtors (EPC rulebook: 14 calendar days
/// unless a shorter one was agreed with the debtor).
public enum SEPAPreNotification {
    public static let allowedDays = 1...30

    /// What is wrong with a period of `days`, `agreed` saying whether a shorter one than the
    /// default was agreed with the debtors; nil when it may be used.
    public static func problem(days: Int, agreed: Bool) -> String? {
        if !allowedDays.contains(days) { return "must be 1 to 30 days" }
        if days < SEPACollectionDate.defaultPreNotificationDays, !agreed {
            return
                "must be at least \(SEPACollectionDate.defaultPreNotificationDays) days unless sepa_prenotification_agreed is true (a shorter period agreed with the debtors)"
        }
        return nil
    }
}
