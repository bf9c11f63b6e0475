/// A subscription's state, as API.md names them.
public enum SubscriptionStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case trialing, active, pastDue = "past_due", restricted, suspended, paused, canceled

    /// States from which no change, pause or resume is possible.
    public var isTerminal: Bool { self == .canceled }

    /// The states dunning may move to `target` — restricted (from active or past due),
    /// suspended (also from restricted), or back to active once the debt is settled (from any
    /// dunning state). Trialing, paused and canceled subscriptions are never touched by dunning.
    public static func dunningSources(for target: SubscriptionStatus) -> [SubscriptionStatus] {
        switch target {
        case .restricted: [.active, .pastDue]
        case .suspended: [.active, .pastDue, .restricted]
        case .active: [.restricted, .suspended, .pastDue]
        default: []
        }
    }

    /// Whether dunning (or settling its debt) may move a subscription from this state to `next`.
    public func dunningMayMove(to next: SubscriptionStatus) -> Bool {
        Self.dunningSources(for: next).contains(self)
    }
}

/// How a subscription's invoices are paid.
public enum CollectionMethod: String, Sendable, Hashable, CaseIterable, Codable {
    case chargeAutomatically = "charge_automatically"
    case sendInvoice = "send_invoice"
}
