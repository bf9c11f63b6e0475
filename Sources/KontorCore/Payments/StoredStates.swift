/// The states of the payment and delivery rows the store keeps, one enum each, so that neither
/// the engine nor the store spells a state as a string.

/// A payment: money received, or a gateway charge that failed. (A returned payment stays
/// `succeeded` with `reversed_at` set: the API shows it as `returned`.)
public enum PaymentStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case succeeded
    case failed
}

/// A payment method: usable until detached.
public enum PaymentMethodStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case active
    case detached
}

/// A charge intent: at most one pending per invoice; it ends succeeded, failed or canceled
/// (the invoice was settled another way before the charge went out).
public enum ChargeIntentStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case pending
    case succeeded
    case failed
    case canceled
    /// Handed to a bank file: its SEPA debit is scheduled (`sepa_debits`), never charged here.
    case scheduled

    /// Only a pending intent moves, and only once.
    public func canMove(to next: ChargeIntentStatus) -> Bool { self == .pending && next != .pending }
}

/// A webhook endpoint: enabled, disabled (by its owner or after failing too long), or deleted.
public enum WebhookEndpointStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case enabled
    case disabled
    case deleted

    /// A deleted endpoint stays deleted; the others may be switched either way or deleted.
    public func canMove(to next: WebhookEndpointStatus) -> Bool { self != .deleted || next == .deleted }
}

/// A webhook delivery: pending until delivered or given up.
public enum DeliveryStatus: String, Sendable, Hashable, CaseIterable, Codable {
    case pending
    case delivered
    case failed

    /// The status after an attempt: delivered on success, pending while retries remain,
    /// failed when they are used up.
    public static func after(attempt succeeded: Bool, retriesLeft: Bool) -> DeliveryStatus {
        succeeded ? .delivered : retriesLeft ? .pending : .failed
    }
}
