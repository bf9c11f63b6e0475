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
