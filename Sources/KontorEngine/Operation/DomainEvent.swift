import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// An event one operation announces: its type and the API object it carries, in that object's
/// one JSON shape. The outbox row is made from it when the operation commits.
///
/// Invariant: the case names the object, the `EventType` its family — `.customer(.invoicePaid, …)`
/// is a programming error caught by `precondition`, never a webhook with the wrong payload.
public enum DomainEvent: Sendable {
    case customer(EventType, CustomerJSON)
    case subscription(EventType, SubscriptionJSON)
    case invoice(EventType, InvoiceJSON)
    case creditNote(EventType, CreditNoteJSON)
    /// Also `invoice.payment_failed`, which carries the failed payment under its invoice's id.
    case payment(EventType, ReceivedPaymentJSON)
    case paymentMethod(EventType, PaymentMethodJSON)
    case dunningNotice(EventType, DunningNoticeJSON)
    case document(EventType, DocumentJSON)
    case message(EventType, MessageJSON)
    case dispute(EventType, DisputeJSON)
    case proposal(EventType, InstalmentProposalJSON)
    case dunningBlock(EventType, DunningBlockJSON)
    case dunningProposal(EventType, DunningProposalJSON)
    case periodClose(EventType, PeriodCloseJSON)
    case writeOffProposal(EventType, WriteOffProposalJSON)
    case sepaDebit(EventType, SEPADebitJSON)
    case sepaBatch(EventType, SEPABatchJSON)

    public var type: EventType {
        switch self {
        case .customer(let t, _), .subscription(let t, _), .invoice(let t, _), .creditNote(let t, _),
            .payment(let t, _), .paymentMethod(let t, _), .dunningNotice(let t, _), .document(let t, _),
            .message(let t, _), .dispute(let t, _), .proposal(let t, _), .dunningBlock(let t, _),
            .dunningProposal(let t, _), .periodClose(let t, _), .writeOffProposal(let t, _), .sepaDebit(let t, _),
            .sepaBatch(let t, _):
            t
        }
    }

    public var objectID: String {
        switch self {
        case .customer(_, let c): c.id
        case .subscription(_, let s): s.id
        case .invoice(_, let i): i.id
        case .creditNote(_, let n): n.id
        case .payment(let t, let p): t == .invoicePaymentFailed ? p.invoice ?? p.id : p.id
        case .paymentMethod(_, let m): m.id
        case .dunningNotice(_, let n): n.id
        case .document(_, let d): d.id
        case .message(_, let m): m.id
        case .dispute(_, let d): d.id
        case .proposal(_, let p): p.id
        case .dunningBlock(_, let b): b.id
        case .dunningProposal(_, let p): p.id
        case .periodClose(_, let c): c.id
        case .writeOffProposal(_, let p): p.id
        case .sepaDebit(_, let d): d.id
        case .sepaBatch(_, let b): b.id
        }
    }

    /// The families each case may carry (a fee item is an invoice-shaped open item).
    var families: Set<String> {
        switch self {
        case .customer: ["customer"]
        case .subscription: ["subscription"]
        case .invoice: ["invoice", "fee_item"]
        case .creditNote: ["credit_note"]
        case .payment: ["payment", "charge"]
        case .paymentMethod: ["payment_method"]
        case .dunningNotice: ["dunning"]
        case .document: ["document"]
        case .message: ["message"]
        case .dispute: ["dispute"]
        case .proposal: ["instalment_proposal"]
        case .dunningBlock: ["dunning_block"]
        case .dunningProposal: ["dunning_proposal"]
        case .periodClose: ["period"]
        case .writeOffProposal: ["write_off_proposal"]
        case .sepaDebit: ["sepa_debit"]
        case .sepaBatch: ["sepa_batch"]
        }
    }

    func draft(at now: Date) throws -> EventOutbox.Draft {
        precondition(
            families.contains(type.family) || type == .invoicePaymentFailed && families.contains("payment"),
            "\(type.rawValue) does not carry this object")
        let data: Data =
            switch self {
            case .customer(_, let c): try KontorJSON.encode(c)
            case .subscription(_, let s): try KontorJSON.encode(s)
            case .invoice(_, let i): i.encoded()
            case .creditNote(_, let n): try KontorJSON.encode(n)
            case .payment(_, let p): try KontorJSON.encode(p)
            case .paymentMethod(_, let m): try KontorJSON.encode(m)
            case .dunningNotice(_, let n): try KontorJSON.encode(n)
            case .document(_, let d): try KontorJSON.encode(d)
            case .message(_, let m): try KontorJSON.encode(m)
            case .dispute(_, let d): try KontorJSON.encode(d)
            case .proposal(_, let p): try KontorJSON.encode(p)
            case .dunningBlock(_, let b): try KontorJSON.encode(b)
            case .dunningProposal(_, let p): try KontorJSON.encode(p)
            case .periodClose(_, let c): try KontorJSON.encode(c)
            case .writeOffProposal(_, let p): try KontorJSON.encode(p)
            case .sepaDebit(_, let d): try KontorJSON.encode(d)
            case .sepaBatch(_, let b): try KontorJSON.encode(b)
            }
        return EventOutbox.Draft(type: type, objectID: objectID, data: data, createdAt: now)
    }
}

extension EventOutbox {
    /// Writes `events` in one statement, stamped `now`. The engine writes the outbox only this
    /// way, so every event is a `DomainEvent` and its payload the object's one JSON shape.
    func append(
        _ events: [DomainEvent], at now: Date, tenantID: String, livemode: Bool, on conn: PostgresConnection
    ) async throws {
        guard !events.isEmpty else { return }
        try await append(try events.map { try $0.draft(at: now) }, tenantID: tenantID, livemode: livemode, on: conn)
    }
}
