import Foundation
import KontorCore
import KontorStore
import Mustache
import PostgresNIO

/// A tenant's e-mail templates, compiled: its own where it has set one, the built-in ones
/// elsewhere. Loaded once per batch of messages (one query), each template parsed once.
struct MailTemplates: Sendable {
    struct Compiled: @unchecked Sendable {
        let subject: MustacheTemplate
        let text: MustacheTemplate
        let html: MustacheTemplate
    }

    let compiled: [String: Compiled]

    static func key(_ kind: MessageTemplateKind, _ language: String) -> String { kind.rawValue + "." + language }

    /// The built-in templates, parsed once per process.
    static let builtIn: [String: Compiled] = {
        var all: [String: Compiled] = [:]
        for kind in MessageTemplateKind.allCases {
            for language in MessageTemplate.languages {
                // The built-in templates are ours: one that does not parse is a build defect.
                all[key(kind, language)] = try! compile(DefaultMailTemplates.template(kind, language))
            }
        }
        return all
    }()

    static func load(tenantID: String, repository: MessageTemplateRepository, on conn: PostgresConnection)
        async throws -> MailTemplates
    {
        var all = builtIn
        for t in try await repository.list(tenantID: tenantID, on: conn) {
            // Stored templates were checked when they were set; one that no longer parses keeps the built-in.
            if let c = try? compile(t) { all[key(t.kind, t.language)] = c }
        }
        return MailTemplates(compiled: all)
    }

    /// Parses the three parts; the error names the part that does not parse.
    static func compile(_ t: MessageTemplate) throws(ValidationError) -> Compiled {
        func parse(_ text: String, _ field: String, html: Bool) throws(ValidationError) -> MustacheTemplate {
            do {
                return try MustacheTemplate(string: (html ? "" : "{{% CONTENT_TYPE: TEXT}}") + text)
            } catch {
                throw ValidationError(field: field, message: "is not a valid Mustache template: \(error)")
            }
        }
        return Compiled(
            subject: try parse(t.subject, "subject", html: false), text: try parse(t.text, "text", html: false),
            html: try parse(t.html, "html", html: true))
    }

    /// Subject (one line), text and HTML for `kind` in `language` (German unless English).
    func render(_ kind: MessageTemplateKind, language: String, _ context: [String: Any]) -> (
        subject: String, text: String, html: String
    ) {
        let language = language == "en" ? "en" : "de"
        let c = compiled[Self.key(kind, language)] ?? Self.builtIn[Self.key(kind, language)]!
        var context = context
        context["language"] = language
        let subject = c.subject.render(context).split(whereSeparator: \.isNewline).joined(separator: " ")
            .trimmingCharacters(in: .whitespaces)
        return (subject, c.text.render(context), c.html.render(context))
    }

    /// What a template may use, with an example each (the API's list shows it; `PUT` renders
    /// a template with these to check it).
    static var sampleContext: [String: Any] {
        [
            "seller_name": "Beispiel GmbH", "customer_name": "Erika Mustermann", "number": "2026-000042",
            "amount": "119,00 EUR", "due_date": "15.12.2026", "level_name": "1. Mahnung",
            "portal_url": "https://billing.example/portal/pt_…", "xml_only": false,
            "sepa": [
                "debit_date": "15.12.2026", "iban": "DE89 **** **** **** **30 00", "mandate": "M-1",
                "creditor_id": "DE98ZZZ09999999999",
            ],
            "card": false, "paid_on": "01.12.2026", "method": "Karte", "card_brand": "Visa", "card_last4": "4242",
            "expires": "12/2026", "replace_url": "https://billing.example/portal/pt_…/payment_method",
            "support_email": "billing@beispiel.example",
        ]
    }
}
