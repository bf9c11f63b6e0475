import Foundation
import KontorCore
import KontorDocuments
import KontorMail
import KontorStore
import PostgresNIO

/// One batch of outbox events the mail worker turns into messages: everything the messages
/// need, read in one query per kind (facts, templates, portal links, policies), then one message
/// per event — or none, where the customer wants the other format or a level sends nothing.
struct MailBatch {
    let documents: [String: MessageRepository.DocumentFacts]
    let payments: [String: MessageRepository.PaymentFacts]
    let cards: [String: MessageRepository.CardFacts]
    let policies: [String: DunningPolicy]
    let templates: MailTemplates
    let sender: MailMessage.Address?
    let common: MailComposer.Common
    let tokens: [String: String]
    let portalURL: String
    let now: Date
    private(set) var made: [OutgoingMessage] = []

    static func load(
        _ events: [MessageRepository.PendingEvent], profile: TenantProfile, portalURL: String, now: Date,
        worker: MailWorker, on conn: PostgresConnection
    ) async throws -> MailBatch {
        let tenantID = profile.tenantID
        var ids: (documents: [String], payments: [String], cards: [String]) = ([], [], [])
        var notices = false
        for e in events {
            switch e.kind {
            case .document(_, let type, _):
                ids.documents.append(e.objectID)
                notices = notices || type == "dunning_notice"
            case .receipt: ids.payments.append(e.objectID)
            case .cardExpiry: ids.cards.append(e.objectID)
            }
        }
        let m = worker.messages
        let documents = try await m.facts(documentIDs: ids.documents, tenantID: tenantID, on: conn)
        let payments = try await m.paymentFacts(ids: ids.payments, tenantID: tenantID, on: conn)
        let cards = try await m.cardFacts(ids: ids.cards, tenantID: tenantID, on: conn)
        // Every e-mail carries the customer's portal link (made now for a customer without one).
        let customers =
            documents.filter { $0.email != nil }.map(\.customerID)
            + payments.filter { $0.email != nil }.map(\.customerID)
            + cards.filter { $0.email != nil }.map(\.customerID)
        let d = profile.documents
        let address = d.mailFromAddress ?? d.contactEmail ?? d.electronicAddress
        return MailBatch(
            documents: Dictionary(documents.map { ($0.documentID, $0) }, uniquingKeysWith: { a, _ in a }),
            payments: Dictionary(payments.map { ($0.paymentID, $0) }, uniquingKeysWith: { a, _ in a }),
            cards: Dictionary(cards.map { ($0.paymentMethodID, $0) }, uniquingKeysWith: { a, _ in a }),
            policies: notices ? try await worker.policies.resolved(tenantID: tenantID, on: conn) : [:],
            templates: try await MailTemplates.load(tenantID: tenantID, repository: worker.templateStore, on: conn),
            sender: address.map { MailMessage.Address(name: d.mailFromName ?? profile.sellerName, email: $0) },
            common: MailComposer.Common(
                sellerName: profile.sellerName, supportEmail: profile.documents.contactEmail,
                creditorID: profile.documents.sepaCreditorID, timeZone: profile.zone),
            tokens: try await worker.links.ensure(customerIDs: customers, tenantID: tenantID, now: now, on: conn),
            portalURL: portalURL, now: now)
    }

    func portal(_ customer: String) -> String? {
        tokens[customer].map { PortalLinkService.url(base: portalURL, token: $0) }
    }

    mutating func write(_ e: MessageRepository.PendingEvent) {
        switch e.kind {
        case .document(let format, let type, let source):
            if let f = documents[e.objectID] { document(f, format: format, sourceType: type, sourceID: source) }
        case .receipt:
            if let p = payments[e.objectID] { receipt(p) }
        case .cardExpiry:
            if let c = cards[e.objectID] { cardExpiry(c) }
        }
    }

    /// A customer who wants XML gets the XRechnung (the PDF when none could be made), everyone
    /// else the PDF; a notice goes by its level's channel.
    mutating func document(
        _ f: MessageRepository.DocumentFacts, format: String, sourceType: String, sourceID: String
    ) {
        let wantsXML = f.invoiceDelivery == "xrechnung" && sourceType != "dunning_notice"
        if format == "ubl" && !wantsXML { return }
        if format == "pdf" && wantsXML && f.hasXRechnung { return }
        var channel = MessageChannel.email
        if sourceType == "dunning_notice", let code = f.policy, let level = f.level,
            let levels = policies[code]?.levels, level >= 1, level <= levels.count
        {
            switch levels[level - 1].channel {
            case .none: return
            case .letter: channel = .letter
            case .email: break
            }
        }
        let (kind, language, context, attachment) = MailComposer.document(
            f, sourceType: sourceType, common: common, portal: portal(f.customerID))
        add(
            .document, channel: channel, customer: f.customerID, email: f.email, sourceType: sourceType,
            sourceID: sourceID, subject: f.number, kind, language, context, attachments: [attachment])
    }

    mutating func receipt(_ p: MessageRepository.PaymentFacts) {
        add(
            .receipt, customer: p.customerID, email: p.email, sourceType: "payment", sourceID: p.paymentID,
            subject: p.invoiceNumber ?? p.paymentID, .receipt, DocumentLanguage(locale: p.locale).rawValue,
            MailComposer.receipt(p, common: common, portal: portal(p.customerID)))
    }

    /// One notice per card and expiry (a card updated to a later expiry is warned again).
    mutating func cardExpiry(_ c: MessageRepository.CardFacts) {
        add(
            .cardExpiry, customer: c.customerID, email: c.email, sourceType: "payment_method",
            sourceID: "\(c.paymentMethodID)@\(c.expYear)-\(c.expMonth)", subject: "card \(c.last4)", .cardExpiry,
            DocumentLanguage(locale: c.locale).rawValue,
            MailComposer.cardExpiry(c, common: common, portal: portal(c.customerID)))
    }

    /// The message, rendered — or a letter to print, or a failed one saying why it cannot be sent.
    mutating func add(
        _ kind: MessageKind, channel: MessageChannel = .email, customer: String, email: String?, sourceType: String,
        sourceID: String, subject fallback: String, _ template: MessageTemplateKind, _ language: String,
        _ context: [String: Any], attachments: [MailMessage.Attachment] = []
    ) {
        let id = Identifier.make("msg")
        guard channel == .email else {
            made.append(
                OutgoingMessage(
                    id: id, customerID: customer, sourceType: sourceType, sourceID: sourceID, sender: nil,
                    recipient: nil, subject: fallback, content: nil, status: .toPrint, nextAttemptAt: nil,
                    createdAt: now, kind: kind, channel: channel))
            return
        }
        let mail = sender.flatMap { from in
            email.map { to in
                MailComposer.message(
                    templates.render(template, language: language, context), id: id, from: from, to: to,
                    attachments: attachments, now: now)
            }
        }
        let problem =
            sender == nil
            ? "the tenant has no contact_email to send from" : mail == nil ? "the customer has no e-mail address" : nil
        made.append(
            OutgoingMessage(
                id: id, customerID: customer, sourceType: sourceType, sourceID: sourceID, sender: sender?.email,
                recipient: email, subject: mail?.subject ?? fallback, content: mail.map { Data($0.rendered()) },
                status: problem == nil ? .queued : .failed, nextAttemptAt: problem == nil ? now : nil,
                lastError: problem, createdAt: now, kind: kind, channel: channel))
    }
}
