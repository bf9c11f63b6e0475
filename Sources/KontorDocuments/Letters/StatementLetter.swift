import Foundation
import KontorCore

/// An account statement: the customer's open items on a day, what is overdue, the balance.
public struct StatementDocument: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var number: String
        public var issueDate: LocalDate
        public var dueDate: LocalDate
        public var total: Int64
        public var open: Int64
        public var daysPastDue: Int

        public init(
            number: String, issueDate: LocalDate, dueDate: LocalDate, total: Int64, open: Int64, daysPastDue: Int
        ) {
            self.number = number
            self.issueDate = issueDate
            self.dueDate = dueDate
            self.total = total
            self.open = open
            self.daysPastDue = daysPastDue
        }
    }

    public var customerReference: String
    public var asOf: LocalDate
    public var currency: Currency
    public var items: [Item]

    public init(customerReference: String, asOf: LocalDate, currency: Currency, items: [Item]) {
        self.customerReference = customerReference
        self.asOf = asOf
        self.currency = currency
        self.items = items
    }

    public var openTotal: Int64 { items.reduce(0) { $0 + $1.open } }
    public var overdueTotal: Int64 { items.filter { $0.daysPastDue > 0 }.reduce(0) { $0 + $1.open } }
}

public enum StatementLetter {
    public static func letter(
        _ s: StatementDocument, seller: DocumentSeller, buyer: EInvoice.Party, language l: DocumentLanguage
    ) -> Letter {
        let plain = { (v: Int64) in l.number(v, decimals: s.currency.minorUnits) }
        let money = { (v: Int64) in l.money(v, s.currency) }
        return Letter(
            language: l, sender: seller.sender(l),
            recipient: DocumentSeller.recipient(buyer, sellerCountry: seller.party.address.country),
            info: [
                (l.pick("Stand", "As of"), l.date(s.asOf)), (l.pick("Kundennummer", "Customer"), s.customerReference),
            ],
            subject: l.pick("Kontoauszug zum ", "Statement of account as of ") + l.date(s.asOf),
            opening: [
                s.items.isEmpty
                    ? l.pick("Ihr Konto weist keine offenen Posten aus.", "Your account shows no open items.")
                    : l.pick(
                        "Ihr Konto weist die folgenden offenen Posten aus:",
                        "Your account shows the following open items:")
            ],
            columns: [
                Letter.Column(l.pick("Beleg", "Document"), width: 45),
                Letter.Column(l.pick("Datum", "Date"), width: 25),
                Letter.Column(l.pick("fällig am", "Due"), width: 25),
                Letter.Column(l.pick("Betrag", "Amount"), width: 25, .right),
                Letter.Column(l.pick("Tage", "Days"), width: 15, .right),
                Letter.Column(l.pick("Offen ", "Open ") + s.currency.code, width: 30, .right),
            ],
            rows: s.items.map {
                Letter.Row([
                    $0.number, l.date($0.issueDate), l.date($0.dueDate), plain($0.total),
                    $0.daysPastDue > 0 ? "\($0.daysPastDue)" : "—", plain($0.open),
                ])
            },
            totals: [
                Letter.Total(l.pick("davon überfällig", "of which overdue"), money(s.overdueTotal)),
                Letter.Total(l.pick("Offener Saldo", "Balance due"), money(s.openTotal), emphasized: true),
            ],
            closing: [
                l.pick(
                    "Bitte prüfen Sie den Auszug; Einwendungen erbitten wir innerhalb von 30 Tagen.",
                    "Please check this statement and let us know of any discrepancy within 30 days.")
            ],
            paymentCode: seller.iban.flatMap {
                EPCPaymentCode.code(
                    name: seller.party.name, iban: $0, bic: seller.bic, amount: s.openTotal, currency: s.currency,
                    remittance: s.customerReference)
            }.map {
                Letter.PaymentCode(
                    code: $0,
                    caption: [
                        l.pick("Offenen Saldo zahlen", "Pay the balance"),
                        l.pick("Mit der Banking-App scannen:", "Scan with your banking app:"), money(s.openTotal),
                    ])
            })
    }
}
