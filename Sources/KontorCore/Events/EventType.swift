/// Every event Kontor announces, as webhooks and `GET /v1/events` name it. The raw value is the
/// wire name (`family.action`); the family is the API object the payload carries.
///
/// Invariant: a new event is a new case here, so webhook filters, the outbox and the document
/// cannot disagree about which names exist.
public enum EventType: String, CaseIterable, Sendable, Codable {
    case customerCreated = "customer.created"
    case customerUpdated = "customer.updated"
    case subscriptionCreated = "subscription.created"
    case subscriptionUpdated = "subscription.updated"
    case subscriptionCanceled = "subscription.canceled"
    case subscriptionPaused = "subscription.paused"
    case subscriptionResumed = "subscription.resumed"
    case subscriptionRestricted = "subscription.restricted"
    case subscriptionSuspended = "subscription.suspended"
    case subscriptionReactivated = "subscription.reactivated"
    case invoiceFinalized = "invoice.finalized"
    case invoicePaid = "invoice.paid"
    case invoicePaymentFailed = "invoice.payment_failed"
    case invoiceOverdue = "invoice.overdue"
    case invoiceUncollectible = "invoice.uncollectible"
    case invoiceWrittenOff = "invoice.written_off"
    case invoiceHandedOver = "invoice.handed_over"
    case creditNoteCreated = "credit_note.created"
    case paymentSucceeded = "payment.succeeded"
    case paymentFailed = "payment.failed"
    case paymentReturned = "payment.returned"
    case chargeChargeback = "charge.chargeback"
    case paymentMethodExpiring = "payment_method.expiring"
    case paymentMethodExpired = "payment_method.expired"
    case dunningLevelReached = "dunning.level_reached"
    case feeItemCreated = "fee_item.created"
    case documentCreated = "document.created"
    case messageSent = "message.sent"
    case messageFailed = "message.failed"
    case disputeCreated = "dispute.created"
    case disputeResolved = "dispute.resolved"
    case instalmentProposalCreated = "instalment_proposal.created"
    case instalmentProposalAccepted = "instalment_proposal.accepted"
    case instalmentProposalDeclined = "instalment_proposal.declined"
    case dunningBlockCreated = "dunning_block.created"
    case dunningBlockLifted = "dunning_block.lifted"
    case dunningProposalReleased = "dunning_proposal.released"
    case dunningProposalPostponed = "dunning_proposal.postponed"
    case writeOffProposalCreated = "write_off_proposal.created"
    case writeOffProposalApproved = "write_off_proposal.approved"
    case writeOffProposalRejected = "write_off_proposal.rejected"
    case periodClosed = "period.closed"
    case sepaDebitScheduled = "sepa_debit.scheduled"
    case sepaBatchCreated = "sepa_batch.created"
    case sepaBatchSubmitted = "sepa_batch.submitted"

    /// `customer` for `customer.created`: what a `family.*` filter matches.
    public var family: String { String(rawValue.prefix { $0 != "." }) }

    /// Whether a webhook filter (`*`, `family.*` or an exact name) selects this event.
    public func matches(_ filter: String) -> Bool {
        filter == "*" || filter == rawValue || filter == family + ".*"
    }

    /// Whether a filter names at least one event (a typo would silently select nothing).
    public static func isKnownFilter(_ filter: String) -> Bool {
        allCases.contains { $0.matches(filter) }
    }
}
