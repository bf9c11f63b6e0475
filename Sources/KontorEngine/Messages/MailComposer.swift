import Foundation
import KontorCore
import KontorDocuments
import KontorMail
import KontorStore

/// The e-mails the mail worker writes, from the tenant's templates in the customer's language:
/// what each kind of message puts into its template, and the message itself (the archived PDF
/// or XRechnung attached as archived: its SHA-256 is the document's).
enum MailComposer {
    /// What every message's template may use.
    struct Common {
        let sellerName: String
        let supportEmail: String?
        let creditorID: String?
        let timeZone: TimeZone
    }

    static func base(_ c: Common, customerName: String?, portal: String?) -> [String: Any] {
        var context: [String: Any] = ["seller_name": c.sellerName]
        if let n = customerName, !n.isEmpty { context["customer_name"] = n }
        if let portal { context["portal_url"] = portal }
        if let e = c.supportEmail { context["support_email"] = e }
        return context
    }

    /// An archived document: invoice (with the SEPA pre-notification when it is debited, or that
    /// the card is charged), credit note or dunning notice.
    static func document(
        _ f: MessageRepository.DocumentFacts, sourceType: String, common: Common, portal: String?
    ) -> (kind: MessageTemplateKind, language: String, context: [String: Any], attachment: MailMessage.Attachment) {
        let l = DocumentLanguage(locale: f.locale)
        let amount = l.money(f.amount, Currency(code: f.currency) ?? .eur)
        var context = base(common, customerName: f.customerName, portal: portal)
        context["number"] = f.number
        context["amount"] = amount
        if let due = f.dueDate { context["due_date"] = l.date(due) }
        let kind: MessageTemplateKind
        switch sourceType {
        case "credit_note": kind = .creditNote
        case "dunning_notice":
            kind = .dunningNotice
            context["level_name"] = f.number
        default:
            kind = .invoice
            if f.collectedBy == "sepa_debit", let mandate = f.mandateReference, let iban = f.iban {
                context["sepa"] = [
                    "debit_date": (f.debitDate ?? f.dueDate).map(l.date) ?? "", "iban": IBANText.masked(iban),
                    "mandate": mandate,
                    "creditor_id": common.creditorID ?? "",
                ]
            } else if f.collectedBy == "card" {
                context["card"] = true
            }
        }
        let xml = f.format == "ubl"
        context["xml_only"] = xml
        let name = f.number.replacingOccurrences(of: "/", with: "-")
        let attachment = MailMessage.Attachment(
            fileName: kind == .dunningNotice ? "\(name).pdf" : xml ? "\(name).xml" : "\(name).pdf",
            contentType: xml ? "application/xml" : "application/pdf", bytes: [UInt8](f.content))
        return (kind, l.rawValue, context, attachment)
    }

    /// A receipt for a payment received.
    static func receipt(_ p: MessageRepository.PaymentFacts, common: Common, portal: String?) -> [String: Any] {
        let l = DocumentLanguage(locale: p.locale)
        var context = base(common, customerName: p.customerName, portal: portal)
        context["amount"] = l.money(p.amount, Currency(code: p.currency) ?? .eur)
        context["paid_on"] = l.date(LocalDate(instant: p.paidAt, in: common.timeZone))
        if let n = p.invoiceNumber { context["number"] = n }
        switch p.method {
        case "card"?: context["method"] = l.pick("Karte", "card")
        case "sepa_debit"?: context["method"] = l.pick("SEPA-Lastschrift", "SEPA direct debit")
        case "bank_transfer"?: context["method"] = l.pick("Überweisung", "bank transfer")
        default: break
        }
        return context
    }

    /// A card about to expire, with the link to replace it.
    static func cardExpiry(_ c: MessageRepository.CardFacts, common: Common, portal: String?) -> [String: Any] {
        var context = base(common, customerName: c.customerName, portal: portal)
        context["card_brand"] = c.brand == "unknown" ? "" : c.brand.prefix(1).uppercased() + c.brand.dropFirst()
        context["card_last4"] = c.last4
        context["expires"] = String(format: "%02d/%d", c.expMonth, c.expYear)
        if let portal { context["replace_url"] = portal + "/payment_method" }
        return context
    }

    static func message(
        _ rendered: (subject: String, text: String, html: String), id: String, from sender: MailMessage.Address,
        to email: String, attachments: [MailMessage.Attachment], now: Date
    ) -> MailMessage {
        MailMessage(
            from: sender, to: [MailMessage.Address(email: email)], subject: rendered.subject, text: rendered.text,
            html: rendered.html, attachments: attachments, messageID: "\(id)@kontor", date: now)
    }
}
