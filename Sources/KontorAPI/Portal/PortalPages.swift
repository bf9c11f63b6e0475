import Foundation
import KontorCore
import KontorDocuments
import KontorEngine
import Mustache

/// The portal's pages: Mustache templates (HTML-escaped) shipped in `Resources/Portal`, parsed
/// once, filled with contexts made here in the debtor's language.
struct PortalPages: Sendable {
    let library: MustacheLibrary
    let stylesheet: String

    static let shared = PortalPages()

    init() {
        library = PageTemplates.load(
            "Portal", ["layout", "account", "pay", "payment_forms", "method", "dispute", "message"])
        let css = Bundle.module.url(forResource: "portal", withExtension: "css", subdirectory: "Portal")!
        self.stylesheet = (try? String(contentsOf: css, encoding: .utf8)) ?? ""
    }

    func render(_ template: String, _ context: [String: Any]) -> String {
        library.render(context, withTemplate: template) ?? ""
    }
}

/// Page templates shipped in `Resources/<directory>`, parsed once.
enum PageTemplates {
    static func load(_ directory: String, _ names: [String]) -> MustacheLibrary {
        var library = MustacheLibrary()
        for name in names {
            let url = Bundle.module.url(forResource: name, withExtension: "mustache", subdirectory: directory)!
            // The templates ship with the binary: one that does not parse is a build defect.
            try! library.register(String(contentsOf: url, encoding: .utf8), named: name)
        }
        return library
    }
}

/// What every page shows: the frame, the language, the errors of a form sent back.
struct PortalFrame {
    let language: DocumentLanguage
    let token: String
    let seller: String
    var customer: String?
    var supportEmail: String?
    var csrf: String?

    var base: String { "/portal/\(token)" }
    func url(_ path: String = "", query: String? = nil) -> String {
        base + path + "?lang=\(language.rawValue)" + (query.map { "&" + $0 } ?? "")
    }

    func context(title: String, notice: String? = nil, errors: [FieldError] = [], form: [String: String] = [:])
        -> [String: Any]
    {
        let other: DocumentLanguage = language == .de ? .en : .de
        var err: [String: String] = [:]
        for e in errors where err[e.field] == nil { err[e.field] = e.message }
        var c: [String: Any] = [
            "lang": language.rawValue, "title": title, "seller": seller, "t": PortalText.labels(language),
            "home": url(), "switch_url": base + "?lang=\(other.rawValue)", "switch_lang": other.rawValue,
            "switch_label": other == .de ? "Deutsch" : "English", "has_errors": !errors.isEmpty,
            "errors": errors.map {
                [
                    "anchor": "field-\($0.field)", "label": PortalText.text("field_\($0.field)", language),
                    "message": $0.message,
                ]
            },
            "err": err, "form": form,
        ]
        if let customer, !customer.isEmpty { c["customer"] = customer }
        if let supportEmail { c["support_email"] = supportEmail }
        if let notice { c["notice"] = notice }
        if let csrf { c["csrf"] = csrf }
        return c
    }

    func money(_ minor: Int64, _ currency: String) -> String {
        language.money(minor, Currency(code: currency) ?? .eur)
    }
}

extension PortalPages {
    func account(
        _ a: PortalAccount, frame: PortalFrame, notice: String? = nil, errors: [FieldError] = [],
        form: [String: String] = [:], proposed: Set<String> = []
    ) -> String {
        let l = frame.language
        var c = frame.context(title: PortalText.text("account_title", l), notice: notice, errors: errors, form: form)
        c["today"] = a.today.description
        c["balances"] = a.balances.map {
            [
                "currency": $0.currency, "open": frame.money($0.open, $0.currency),
                "overdue": frame.money($0.overdue, $0.currency),
            ]
        }
        if a.credit > 0 { c["credit"] = frame.money(a.credit, a.creditCurrency) }
        c["dunning"] =
            a.dunningLevel > 0
            ? "\(a.dunningLevel)\(a.dunningLevelName.map { " – \($0)" } ?? "")" : PortalText.text("no_dunning", l)
        c["has_items"] = !a.items.isEmpty
        c["items"] = a.items.map { i -> [String: Any] in
            var row: [String: Any] = [
                "id": i.id, "number": i.number, "issue_date": l.date(i.issueDate), "due_date": l.date(i.dueDate),
                "open": frame.money(i.open, i.currency), "standing_code": i.standing.rawValue,
                "standing": i.standing == .overdue
                    ? PortalText.text("standing_overdue", l).replacingOccurrences(of: "%d", with: "\(i.daysOverdue)")
                    : PortalText.text("standing_\(i.standing.rawValue)", l),
                "pay": frame.url("/items/\(i.id)/pay"), "can_dispute": i.dispute == nil,
                "dispute_url": frame.url("/items/\(i.id)/dispute"), "proposed": proposed.contains(i.id),
            ]
            if let d = i.dispute { row["dispute"] = d }
            if i.isInvoice {
                row["pdf"] = frame.url("/items/\(i.id)/pdf")
                row["xml"] = frame.url("/items/\(i.id)/xml")
            }
            return row
        }
        c["statement_url"] = frame.base + "/statement"
        c["method_url"] = frame.url("/payment_method")
        c["propose_url"] = frame.base + "/proposals"
        c["has_proposals"] = !a.proposals.isEmpty
        c["proposals"] = a.proposals.map { p -> [String: Any] in
            var row: [String: Any] = [
                "created": l.date(LocalDate(instant: p.createdAt, in: TimeZone(identifier: "UTC")!)),
                "count": p.instalments, "first": l.date(p.firstDueDate), "amount": frame.money(p.amount, p.currency),
                "status": PortalText.text("proposal_\(p.status.rawValue)", l),
            ]
            if let n = p.decisionNote { row["note"] = n }
            return row
        }
        return render("account", c)
    }

    func item(_ i: PortalAccount.Item, frame: PortalFrame) -> [String: String] {
        ["number": i.number, "open": frame.money(i.open, i.currency), "due_date": frame.language.date(i.dueDate)]
    }

    func pay(
        _ i: PortalAccount.Item, account a: PortalAccount, frame: PortalFrame, errors: [FieldError] = [],
        form: [String: String] = [:]
    ) -> String {
        let l = frame.language
        var c = frame.context(title: PortalText.text("pay_title", l), errors: errors, form: form)
        c["item"] = item(i, frame: frame)
        paymentForms(
            &c, account: a, frame: frame, action: frame.base + "/items/\(i.id)/pay",
            card: PortalText.text("pay_now", l) + " " + frame.money(i.open, i.currency),
            sepa: PortalText.text("pay_by_debit", l) + " " + frame.money(i.open, i.currency))
        return render("pay", c)
    }

    /// The card and SEPA forms both payment pages show.
    func paymentForms(
        _ c: inout [String: Any], account a: PortalAccount, frame: PortalFrame, action: String, card: String,
        sepa: String
    ) {
        c["action_url"] = action
        c["cards"] = a.acceptsCards
        c["card_options"] = PortalPayment.sandboxCards.map { ["token": $0.token, "label": $0.label] }
        c["mandate_text"] = PortalText.text("mandate", frame.language).replacingOccurrences(
            of: "%@", with: a.sellerName)
        c["card_button"] = card
        c["sepa_button"] = sepa
    }

    /// Replacing the way to pay (the card-expiry notice links here).
    func method(
        _ methods: [PaymentMethodJSON], account a: PortalAccount, frame: PortalFrame, errors: [FieldError] = [],
        form: [String: String] = [:]
    ) -> String {
        let l = frame.language
        var c = frame.context(title: PortalText.text("method_title", l), errors: errors, form: form)
        c["has_methods"] = !methods.isEmpty
        c["methods"] = methods.map { m -> [String: Any] in
            let label: String
            if let card = m.card {
                label =
                    "\(card.brand.prefix(1).uppercased() + card.brand.dropFirst()) •••• \(card.last4), "
                    + PortalText.text("expires", l) + String(format: " %02d/%d", card.expMonth, card.expYear)
            } else if let sepa = m.sepaDebit {
                label = PortalText.text("by_sepa", l) + ", IBAN \(sepa.country) •••• \(sepa.ibanLast4)"
            } else {
                label = m.type
            }
            return ["label": label, "is_default": m.isDefault]
        }
        paymentForms(
            &c, account: a, frame: frame, action: frame.base + "/payment_method",
            card: PortalText.text("save_card", l), sepa: PortalText.text("save_mandate", l))
        return render("method", c)
    }

    func dispute(_ i: PortalAccount.Item, frame: PortalFrame, errors: [FieldError] = [], form: [String: String] = [:])
        -> String
    {
        var c = frame.context(title: PortalText.text("dispute_title", frame.language), errors: errors, form: form)
        c["item"] = item(i, frame: frame)
        c["intro"] = PortalText.text("dispute_intro", frame.language).replacingOccurrences(
            of: "%@",
            with: "\(i.number) (\(frame.money(i.open, i.currency)), \(PortalText.text("due_on", frame.language)) "
                + "\(frame.language.date(i.dueDate)))")
        c["dispute_url"] = frame.base + "/items/\(i.id)/dispute"
        return render("dispute", c)
    }

    func message(title: String, text: String, frame: PortalFrame) -> String {
        var c = frame.context(title: title)
        c["text"] = text
        return render("message", c)
    }
}
