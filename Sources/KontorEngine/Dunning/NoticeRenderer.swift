import Foundation
import KontorCore
import Mustache

/// Renders dunning notices with Mustache (plain text: nothing is HTML-escaped).
///
/// Variables: `customer_name`, `level_name`, `level`, `notice_date`, `currency`, `items` (the
/// overdue items: `number`, `due_date`, `open`, `days_overdue`, and for a claim charged default
/// interest at this notice `interest`, `interest_from`, `interest_through`), `items_total`, `upcoming` (open
/// items not yet due: `number`, `due_date`, `open`) with `has_upcoming` and `upcoming_total`,
/// `fee`, `interest`, `flat_fee`, `total_due`, and `has_fee`/`has_interest`/`has_flat_fee`.
/// Amounts are formatted with the currency's decimals (`1234.56`), by `Money.decimalText`.
enum NoticeRenderer {
    static let defaultTemplate = """
        {{level_name}} — {{notice_date}}

        Sehr geehrte Damen und Herren{{#customer_name}} ({{customer_name}}){{/customer_name}},

        nach unserer Buchhaltung sind die folgenden Posten offen / the following items are open:

        {{#items}}
          {{number}}  fällig/due {{due_date}}  {{open}} {{currency}}  ({{days_overdue}} Tage/days){{#interest}}
            Verzugszinsen/interest {{interest_from}} – {{interest_through}}: {{interest}} {{currency}}{{/interest}}
        {{/items}}

        Offene Posten / open items:        {{items_total}} {{currency}}
        {{#has_fee}}Mahngebühr / dunning fee:          {{fee}} {{currency}}
        {{/has_fee}}{{#has_interest}}Verzugszinsen (§ 288 BGB):          {{interest}} {{currency}}
        {{/has_interest}}{{#has_flat_fee}}Verzugspauschale (§ 288 Abs. 5 BGB): {{flat_fee}} {{currency}}
        {{/has_flat_fee}}Gesamt / total due:                {{total_due}} {{currency}}

        Bitte überweisen Sie den Betrag umgehend. / Please pay the amount due without delay.
        {{#has_upcoming}}

        Noch nicht fällig / not yet due:
        {{#upcoming}}
          {{number}}  fällig/due {{due_date}}  {{open}} {{currency}}
        {{/upcoming}}
        Noch nicht fällig / not yet due:   {{upcoming_total}} {{currency}}
        {{/has_upcoming}}
        """

    static func compile(_ template: String) throws -> MustacheTemplate {
        try MustacheTemplate(string: "{{% CONTENT_TYPE: TEXT}}" + template)
    }

    /// The default template, parsed once.
    static let compiledDefault = try! compile(defaultTemplate)

    /// Parses each distinct template once (parsing, not rendering, is what a notice costs: a
    /// batch of 500 notices spent most of its CPU re-parsing the same text). A template that
    /// does not parse falls back to the default; policies are validated before they are stored.
    struct Cache {
        var compiled: [String: MustacheTemplate] = [:]

        mutating func template(_ text: String?) -> MustacheTemplate {
            guard let text else { return NoticeRenderer.compiledDefault }
            if let hit = compiled[text] { return hit }
            let template = (try? NoticeRenderer.compile(text)) ?? NoticeRenderer.compiledDefault
            compiled[text] = template
            return template
        }
    }

    static func render(
        _ compiled: MustacheTemplate, customerName: String?, step: DunningStep, today: LocalDate, currency: String
    ) -> String {
        let unit = Currency(code: currency) ?? .eur
        func amount(_ minor: Int64) -> String { Money(minorUnits: minor, currency: unit).decimalText }
        let itemsTotal = step.overdue.reduce(0) { $0 + $1.open }
        let interest = Dictionary(step.interestByItem.map { ($0.itemID, $0) }, uniquingKeysWith: { a, _ in a })
        let context: [String: Any] = [
            "customer_name": customerName ?? "",
            "level_name": step.definition.name,
            "level": step.level,
            "notice_date": today.description,
            "currency": currency,
            "items": step.overdue.map { item in
                var row: [String: Any] = [
                    "number": item.number, "due_date": item.dueDate.description, "open": amount(item.open),
                    "days_overdue": item.daysPastDue(on: today), "currency": currency,
                ]
                if let charge = interest[item.id] {
                    row["interest"] = amount(charge.amount)
                    row["interest_from"] = charge.from.description
                    row["interest_through"] = charge.through.description
                }
                return row
            },
            "items_total": amount(itemsTotal),
            "upcoming": step.notYetDue.map {
                [
                    "number": $0.number, "due_date": $0.dueDate.description, "open": amount($0.open),
                    "currency": currency,
                ] as [String: Any]
            },
            "has_upcoming": !step.notYetDue.isEmpty,
            "upcoming_total": amount(step.notYetDue.reduce(0) { $0 + $1.open }),
            "fee": amount(step.fee), "has_fee": step.fee > 0,
            "interest": amount(step.interest), "has_interest": step.interest > 0,
            "flat_fee": amount(step.flatFee), "has_flat_fee": step.flatFee > 0,
            "total_due": amount(itemsTotal + step.fee + step.interest + step.flatFee),
        ]
        return compiled.render(context)
    }
}
