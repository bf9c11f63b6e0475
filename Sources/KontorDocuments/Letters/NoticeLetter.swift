import Foundation
import KontorCore

/// A dunning notice as it is printed: every open item the notice demands (§ 286 BGB default,
/// interest per item under § 288, never on interest, § 289), the fee and the flat charge, the
/// total, how to pay (with a GiroCode), and what follows if nothing is paid.
public struct NoticeDocument: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var number: String
        public var dueDate: LocalDate
        public var open: Int64
        public var daysOverdue: Int
        public var overdue: Bool
        public var interest: Int64?
        public var interestFrom: LocalDate?
        public var interestThrough: LocalDate?

        public init(
            number: String, dueDate: LocalDate, open: Int64, daysOverdue: Int, overdue: Bool, interest: Int64? = nil,
            interestFrom: LocalDate? = nil, interestThrough: LocalDate? = nil
        ) {
            self.number = number
            self.dueDate = dueDate
            self.open = open
            self.daysOverdue = daysOverdue
            self.overdue = overdue
            self.interest = interest
            self.interestFrom = interestFrom
            self.interestThrough = interestThrough
        }
    }

    public var reference: String
    public var level: Int
    public var levelName: String
    public var date: LocalDate
    public var currency: Currency
    public var items: [Item]
    public var fee: Int64
    public var interest: Int64
    public var flatFee: Int64
    /// The notice announces the hand-over to a collection agency.
    public var announcesCollection: Bool
    public var payBy: LocalDate

    public init(
        reference: String, level: Int, levelName: String, date: LocalDate, currency: Currency, items: [Item],
        fee: Int64,
        interest: Int64, flatFee: Int64, announcesCollection: Bool, payBy: LocalDate
    ) {
        self.reference = reference
        self.level = level
        self.levelName = levelName
        self.date = date
        self.currency = currency
        self.items = items
        self.fee = fee
        self.interest = interest
        self.flatFee = flatFee
        self.announcesCollection = announcesCollection
        self.payBy = payBy
    }

    public var itemsTotal: Int64 { items.filter(\.overdue).reduce(0) { $0 + $1.open } }
    public var totalDue: Int64 { itemsTotal + fee + interest + flatFee }
}

public enum NoticeLetter {
    public static func letter(
        _ n: NoticeDocument, seller: DocumentSeller, buyer: EInvoice.Party, language l: DocumentLanguage
    ) -> Letter {
        let plain = { (v: Int64) in l.number(v, decimals: n.currency.minorUnits) }
        let money = { (v: Int64) in l.money(v, n.currency) }
        let rows = n.items.map { item in
            Letter.Row(
                [
                    item.number, l.date(item.dueDate), item.overdue ? "\(item.daysOverdue)" : "—",
                    item.interest.flatMap { $0 > 0 ? plain($0) : nil } ?? "—", plain(item.open),
                ],
                detail: item.overdue
                    ? item.interestFrom.map { from in
                        l.pick("Verzugszinsen ", "Default interest ") + l.date(from) + " – "
                            + (item.interestThrough.map(l.date) ?? "")
                    } : l.pick("noch nicht fällig", "not yet due"))
        }
        var totals = [Letter.Total(l.pick("Fällige Posten", "Items due"), money(n.itemsTotal))]
        if n.interest > 0 {
            totals.append(Letter.Total(l.pick("Verzugszinsen (§ 288 BGB)", "Default interest"), money(n.interest)))
        }
        if n.fee > 0 { totals.append(Letter.Total(l.pick("Mahngebühr", "Dunning fee"), money(n.fee))) }
        if n.flatFee > 0 {
            totals.append(
                Letter.Total(l.pick("Verzugspauschale (§ 288 Abs. 5 BGB)", "Flat default charge"), money(n.flatFee)))
        }
        totals.append(Letter.Total(l.pick("Zu zahlen", "Amount due"), money(n.totalDue), emphasized: true))
        let opening =
            n.level <= 1
            ? l.pick(
                "sicher ist es Ihrer Aufmerksamkeit entgangen: die folgenden Posten sind noch offen.",
                "perhaps this has escaped your attention: the following items are still open.")
            : l.pick(
                "trotz unserer Erinnerung sind die folgenden Posten weiterhin offen.",
                "despite our reminder the following items are still open.")
        var closing = [
            l.pick(
                "Bitte überweisen Sie \(money(n.totalDue)) bis zum \(l.date(n.payBy)) mit dem Verwendungszweck \(n.reference).",
                "Please transfer \(money(n.totalDue)) by \(l.date(n.payBy)), quoting \(n.reference).")
        ]
        if n.announcesCollection {
            closing.append(
                l.pick(
                    "Geht die Zahlung nicht fristgerecht ein, übergeben wir die Forderung ohne weitere Ankündigung einem Inkassounternehmen.",
                    "If we do not receive payment by then, we will hand the claim over to a collection agency without further notice."
                ))
        }
        closing.append(
            l.pick(
                "Sollten Sie inzwischen gezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.",
                "If you have paid in the meantime, please disregard this letter."))
        let code = seller.iban.flatMap {
            EPCPaymentCode.code(
                name: seller.party.name, iban: $0, bic: seller.bic, amount: n.totalDue, currency: n.currency,
                remittance: n.reference)
        }
        return Letter(
            language: l, sender: seller.sender(l),
            recipient: DocumentSeller.recipient(buyer, sellerCountry: seller.party.address.country),
            info: [
                (l.pick("Datum", "Date"), l.date(n.date)), (l.pick("Unser Zeichen", "Our reference"), n.reference),
                (l.pick("Zahlbar bis", "Pay by"), l.date(n.payBy)),
            ],
            subject: n.levelName, opening: [l.pick("Sehr geehrte Damen und Herren,", "Dear Sir or Madam,"), opening],
            columns: [
                Letter.Column(l.pick("Rechnung", "Invoice"), width: 60),
                Letter.Column(l.pick("fällig am", "due"), width: 28),
                Letter.Column(l.pick("Tage", "Days"), width: 17, .right),
                Letter.Column(l.pick("Zinsen", "Interest"), width: 27, .right),
                Letter.Column(l.pick("Offen ", "Open ") + n.currency.code, width: 33, .right),
            ], rows: rows, totals: totals, closing: closing,
            paymentCode: code.map {
                Letter.PaymentCode(
                    code: $0,
                    caption: [
                        l.pick("Zahlen mit Code", "Pay with code"),
                        l.pick("Mit der Banking-App scannen:", "Scan with your banking app:"),
                        "\(money(n.totalDue)) · \(n.reference)",
                    ])
            })
    }
}

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
