import Foundation
import KontorCore
import KontorDocuments
import KontorMail
import KontorStore

/// The e-mail about an archived PDF, in the customer's language: subject, a short text and HTML
/// body, the PDF attached as archived (its SHA-256 is the document's).
enum MailComposer {
    static func message(
        _ f: MessageRepository.DocumentFacts, sourceType: String, id: String, sender: MailMessage.Address,
        portalLink: String? = nil, now: Date
    ) -> MailMessage? {
        guard let email = f.email else { return nil }
        let l = DocumentLanguage(locale: f.locale)
        let amount = l.money(f.amount, Currency(code: f.currency) ?? .eur)
        let due = f.dueDate.map(l.date)
        let (subject, body): (String, String)
        switch sourceType {
        case "credit_note":
            subject = l.pick("Rechnungskorrektur \(f.number)", "Credit note \(f.number)")
            body = l.pick(
                "anbei erhalten Sie die Rechnungskorrektur \(f.number) über \(amount).",
                "please find attached credit note \(f.number) for \(amount).")
        case "dunning_notice":
            subject = "\(f.number) – \(sender.name ?? sender.email)"
            body = l.pick(
                "anbei erhalten Sie unser Schreiben „\(f.number)“. Offen sind \(amount)\(due.map { ", zahlbar bis \($0)" } ?? "").",
                "please find attached our letter \"\(f.number)\". \(amount) is open\(due.map { ", payable by \($0)" } ?? "")."
            )
        default:
            subject = l.pick("Rechnung \(f.number)", "Invoice \(f.number)")
            body = l.pick(
                "anbei erhalten Sie die Rechnung \(f.number) über \(amount)\(due.map { ", fällig am \($0)" } ?? "")."
                    + " Die PDF-Datei enthält die elektronische Rechnung (ZUGFeRD / Factur-X).",
                "please find attached invoice \(f.number) for \(amount)\(due.map { ", due on \($0)" } ?? "")."
                    + " The PDF carries the e-invoice (ZUGFeRD / Factur-X).")
        }
        let greeting = l.pick("Guten Tag,", "Hello,")
        let closing = l.pick("Mit freundlichen Grüßen", "Kind regards")
        let signature = sender.name ?? sender.email
        let portal = l.pick(
            "Ihr Kundenkonto – offene Posten, Zahlung, Rückfragen und Ratenzahlung:",
            "Your account – open items, payment, questions and instalments:")
        let text =
            "\(greeting)\n\n\(body)\n\n" + (portalLink.map { "\(portal)\n\($0)\n\n" } ?? "")
            + "\(closing)\n\(signature)\n"
        let html =
            "<!doctype html><html lang=\"\(l.rawValue)\"><body><p>\(escape(greeting))</p><p>\(escape(body))</p>"
            + (portalLink.map { "<p>\(escape(portal))<br><a href=\"\(escape($0))\">\(escape($0))</a></p>" } ?? "")
            + "<p>\(escape(closing))<br>\(escape(signature))</p></body></html>"
        return MailMessage(
            from: sender, to: [MailMessage.Address(email: email)], subject: subject, text: text, html: html,
            attachments: [
                MailMessage.Attachment(
                    fileName: "\(f.number.replacingOccurrences(of: "/", with: "-")).pdf",
                    contentType: "application/pdf",
                    bytes: [UInt8](f.content))
            ], messageID: "\(id)@kontor", date: now)
    }

    static func escape(_ s: String) -> String { XMLBuilder.escape(s) }
}
