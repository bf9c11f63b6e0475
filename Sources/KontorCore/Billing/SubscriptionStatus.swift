/// A subscription's state, as API.md names them.
public enum SubscriptionStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case trialing, active, pastDue = "past_due", restricted, suspended, paused, canceled

    /// States from which no change, pause or resume is possible.
    public var isTerminal: Bool { self == .canceled }
}

/// How a subscription's invoices are paid.
public enum CollectionMethod: String, Sendable, Hashable, CaseIterable, Codable {
    case chargeAutomatically = "charge_automatically"
    case sendInvoice = "send_invoice"
}
