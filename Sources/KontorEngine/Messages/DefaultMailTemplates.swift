import Foundation
import KontorCore

/// The built-in e-mail templates, German and English: what a tenant gets until it sets its
/// own (`PUT /v1/message_templates/{kind}/{language}`). The HTML part is made from the text
/// part: paragraphs, line breaks, the portal and card links as links.
enum DefaultMailTemplates {
    static let greetingDE = "Guten Tag{{#customer_name}} {{customer_name}}{{/customer_name}},"
    static let greetingEN = "Hello{{#customer_name}} {{customer_name}}{{/customer_name}},"
    static let portalDE = """
        {{#portal_url}}

        Ihr Kundenkonto – offene Posten, Zahlung, Rückfragen und Ratenzahlung:
        {{portal_url}}
        {{/portal_url}}
        """
    static let portalEN = """
        {{#portal_url}}

        Your account – open items, payment, questions and instalments:
        {{portal_url}}
        {{/portal_url}}
        """
    static let closingDE = "\n\nMit freundlichen Grüßen\n{{seller_name}}\n"
    static let closingEN = "\n\nKind regards\n{{seller_name}}\n"

    /// (subject, body between greeting and portal link) per kind and language.
    static let bodies: [MessageTemplateKind: (de: (String, String), en: (String, String))] = [
        .invoice: (
            de: (
                "Rechnung {{number}}",
                """
                anbei erhalten Sie die Rechnung {{number}} über {{amount}}{{#due_date}}, fällig am {{due_date}}{{/due_date}}.{{#xml_only}} Die Rechnung liegt als XRechnung (XML) bei.{{/xml_only}}{{^xml_only}} Die PDF-Datei enthält die elektronische Rechnung (ZUGFeRD / Factur-X).{{/xml_only}}
                {{#sepa}}

                Vorabankündigung: Den Betrag von {{amount}} ziehen wir am {{debit_date}} per SEPA-Lastschrift von Ihrem Konto {{iban}} ein. Mandatsreferenz: {{mandate}}, Gläubiger-Identifikationsnummer: {{creditor_id}}. Bitte sorgen Sie für ausreichende Deckung.
                {{/sepa}}
                {{#card}}

                Den Betrag belasten wir Ihrer hinterlegten Karte.
                {{/card}}
                """
            ),
            en: (
                "Invoice {{number}}",
                """
                please find attached invoice {{number}} for {{amount}}{{#due_date}}, due on {{due_date}}{{/due_date}}.{{#xml_only}} The invoice is attached as an XRechnung (XML).{{/xml_only}}{{^xml_only}} The PDF carries the e-invoice (ZUGFeRD / Factur-X).{{/xml_only}}
                {{#sepa}}

                Pre-notification: we will collect {{amount}} by SEPA direct debit from your account {{iban}} on {{debit_date}}. Mandate reference: {{mandate}}, creditor identifier: {{creditor_id}}. Please make sure the account is covered.
                {{/sepa}}
                {{#card}}

                We will charge the amount to the card on file.
                {{/card}}
                """
            )
        ),
        .creditNote: (
            de: (
                "Rechnungskorrektur {{number}}", "anbei erhalten Sie die Rechnungskorrektur {{number}} über {{amount}}."
            ),
            en: ("Credit note {{number}}", "please find attached credit note {{number}} for {{amount}}.")
        ),
        .dunningNotice: (
            de: (
                "{{level_name}} – {{seller_name}}",
                "anbei erhalten Sie unser Schreiben „{{level_name}}“. Offen sind {{amount}}{{#due_date}}, zahlbar bis {{due_date}}{{/due_date}}."
            ),
            en: (
                "{{level_name}} – {{seller_name}}",
                "please find attached our letter \"{{level_name}}\". {{amount}} is open{{#due_date}}, payable by {{due_date}}{{/due_date}}."
            )
        ),
        .receipt: (
            de: (
                "Zahlungsbestätigung{{#number}} {{number}}{{/number}}",
                "vielen Dank: Am {{paid_on}} haben wir {{amount}}{{#method}} ({{method}}){{/method}} erhalten{{#number}} für {{number}}{{/number}}."
            ),
            en: (
                "Payment received{{#number}} for {{number}}{{/number}}",
                "thank you: on {{paid_on}} we received {{amount}}{{#method}} ({{method}}){{/method}}{{#number}} for {{number}}{{/number}}."
            )
        ),
        .cardExpiry: (
            de: (
                "Ihre Karte läuft ab",
                """
                Ihre {{card_brand}}-Karte mit der Endung {{card_last4}} läuft Ende {{expires}} ab. Damit Ihre nächsten Zahlungen ohne Unterbrechung gehen, hinterlegen Sie bitte eine neue Karte oder ein SEPA-Lastschriftmandat:
                {{replace_url}}
                """
            ),
            en: (
                "Your card is about to expire",
                """
                your {{card_brand}} card ending in {{card_last4}} expires at the end of {{expires}}. So that your next payments go through, please add a new card or a SEPA direct debit mandate:
                {{replace_url}}
                """
            )
        ),
    ]

    static func template(_ kind: MessageTemplateKind, _ language: String) -> MessageTemplate {
        let de = language == "de"
        let (subject, body) = de ? bodies[kind]!.de : bodies[kind]!.en
        let portal = kind == .cardExpiry ? "" : "\n" + (de ? portalDE : portalEN)
        let text = (de ? greetingDE : greetingEN) + "\n\n" + body + portal + (de ? closingDE : closingEN)
        return MessageTemplate(kind: kind, language: language, subject: subject, text: text, html: html(fromText: text))
    }

    /// Paragraphs at blank lines, `<br>` at line breaks, `{{portal_url}}` and `{{replace_url}}` as
    /// links; Mustache escapes what it inserts into HTML.
    static func html(fromText text: String) -> String {
        let lines = text.components(separatedBy: "\n")
        var paragraphs: [[String]] = [[]]
        for line in lines {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty {
                if !(paragraphs.last?.isEmpty ?? true) { paragraphs.append([]) }
            } else if t.hasPrefix("{{#") || t.hasPrefix("{{/") || t.hasPrefix("{{^") {
                // A section tag on its own line stays outside any paragraph.
                if !(paragraphs.last?.isEmpty ?? true) { paragraphs.append([]) }
                paragraphs[paragraphs.count - 1].append(t)
                paragraphs.append([])
            } else {
                paragraphs[paragraphs.count - 1].append(
                    t.replacingOccurrences(of: "{{portal_url}}", with: #"<a href="{{portal_url}}">{{portal_url}}</a>"#)
                        .replacingOccurrences(
                            of: "{{replace_url}}", with: #"<a href="{{replace_url}}">{{replace_url}}</a>"#))
            }
        }
        let body = paragraphs.filter { !$0.isEmpty }.map { p -> String in
            if p.count == 1, p[0].hasPrefix("{{#") || p[0].hasPrefix("{{/") || p[0].hasPrefix("{{^") { return p[0] }
            return "<p>" + p.joined(separator: "<br>\n") + "</p>"
        }.joined(separator: "\n")
        return "<!doctype html>\n<html lang=\"{{language}}\"><body>\n" + body + "\n</body></html>\n"
    }
}
