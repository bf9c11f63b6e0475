import Foundation
import KontorCore

/// An invoice or credit note as a letter: every § 14 (4) UStG field — both parties' names and
/// addresses, the seller's tax number or VAT ID, issue date, number, what was supplied and
/// when, the net amounts, rates and tax per rate, the note for an exemption or reverse charge
/// (with the buyer's VAT ID) — then how to pay: a transfer with its GiroCode, the SEPA
/// pre-notification for a direct debit, or that nothing is left to pay.
public enum InvoiceLetter {
    public static func letter(_ e: EInvoice, seller: DocumentSeller, language l: DocumentLanguage) -> Letter {
        let money = { (v: Int64) in l.money(v, e.currency) }
        let plain = { (v: Int64) in l.number(v, decimals: e.currency.minorUnits) }
        let invoice = e.kind == .invoice
        var info: [(label: String, value: String)] = [
            (invoice ? l.pick("Rechnungsnummer", "Invoice number") : l.pick("Nummer", "Number"), e.number),
            (l.pick("Datum", "Date"), l.date(e.issueDate)),
        ]
        if let period = e.period {
            info.append((l.pick("Leistungszeitraum", "Service period"), l.period(period)))
        } else if invoice {
            info.append((l.pick("Leistungsdatum", "Date of supply"), l.date(e.deliveryDate)))
        }
        if let preceding = e.precedingInvoice {
            info.append((l.pick("Zu Rechnung", "For invoice"), preceding.number))
            info.append((l.pick("vom", "of"), l.date(preceding.issueDate)))
        }
        info.append((l.pick("Ihre Referenz", "Your reference"), e.buyerReference))
        if let order = e.orderReference { info.append((l.pick("Bestellnummer", "Order number"), order)) }
        if let vat = e.buyer.vatID { info.append((l.pick("Ihre USt-IdNr.", "Your VAT ID"), vat)) }
        if let due = e.dueDate, invoice { info.append((l.pick("Fällig am", "Due date"), l.date(due))) }

        let columns = [
            Letter.Column(l.pick("Pos.", "No."), width: 10),
            Letter.Column(l.pick("Beschreibung", "Description"), width: 69),
            Letter.Column(l.pick("Menge", "Qty"), width: 16, .right),
            Letter.Column(l.pick("Einheit", "Unit"), width: 14),
            Letter.Column(l.pick("Einzelpreis", "Unit price"), width: 22, .right),
            Letter.Column(l.pick("USt.", "VAT"), width: 12, .right),
            Letter.Column(l.pick("Betrag ", "Amount ") + e.currency.code, width: 22, .right),
        ]
        let rows = e.lines.enumerated().map { i, line in
            Letter.Row(
                [
                    "\(i + 1)", line.name, l.quantity(line.quantityMilli), l.unit(line.unitCode),
                    price(line.netPriceScaled, e.currency, l), line.category.hasRate ? l.percent(line.rate) : "—",
                    plain(line.netAmount),
                ], detail: line.period.map { l.pick("Zeitraum ", "Period ") + l.period($0) })
        }
        var totals = [Letter.Total(l.pick("Summe netto", "Net total"), money(e.lineTotal))]
        for group in e.taxGroups {
            let rate = group.category.hasRate ? l.percent(group.rate) : ""
            let label =
                group.category == .standard
                ? l.pick("USt. \(rate) auf ", "VAT \(rate) on ") + plain(group.basis)
                : l.pick("USt. \(rate) (\(name(group.category, .de)))", "VAT \(rate) (\(name(group.category, .en)))")
            totals.append(Letter.Total(label.replacingOccurrences(of: "  ", with: " "), money(group.tax)))
        }
        totals.append(
            Letter.Total(
                invoice ? l.pick("Rechnungsbetrag", "Invoice total") : l.pick("Gutschriftsbetrag", "Credit total"),
                money(e.grandTotal), emphasized: e.prepaid == 0))
        if e.prepaid != 0 {
            totals.append(
                Letter.Total(
                    l.pick("Bereits bezahlt oder gutgeschrieben", "Already paid or credited"), money(-e.prepaid)))
            totals.append(Letter.Total(l.pick("Zu zahlen", "Amount due"), money(e.amountDue), emphasized: true))
        }
        var closing = Set(e.taxGroups.map(\.category)).sorted { $0.rawValue < $1.rawValue }.compactMap {
            taxNote($0, l)
        }
        var code: Letter.PaymentCode?
        if invoice {
            let (text, qr) = payment(e, l)
            closing.append(text)
            code = qr
        } else {
            closing.append(
                l.pick(
                    "Den Betrag von \(money(e.grandTotal)) verrechnen wir mit offenen Posten oder erstatten ihn.",
                    "We set the amount of \(money(e.grandTotal)) off against open items or refund it."))
        }
        let opening =
            invoice
            ? l.pick("Wir berechnen Ihnen die folgenden Leistungen:", "We invoice you for the following:")
            : l.pick(
                "Zu unserer Rechnung \(e.precedingInvoice?.number ?? "") schreiben wir Ihnen gut:",
                "For our invoice \(e.precedingInvoice?.number ?? "") we credit you:")
        return Letter(
            language: l, sender: seller.sender(l),
            recipient: DocumentSeller.recipient(e.buyer, sellerCountry: e.seller.address.country), info: info,
            subject: (invoice ? l.pick("Rechnung ", "Invoice ") : l.pick("Rechnungskorrektur ", "Credit note "))
                + e.number,
            opening: [opening], columns: columns, rows: rows, totals: totals, closing: closing, paymentCode: code)
    }

    /// A unit price with up to four more decimals than the currency, as many as it needs.
    static func price(_ scaled: Int64, _ currency: Currency, _ l: DocumentLanguage) -> String {
        let text = DecimalText.price(scaled, currency)
        let decimals = text.split(separator: ".").dropFirst().first?.count ?? 0
        var value = scaled
        for _ in 0..<(currency.minorUnits + 4 - decimals) { value /= 10 }
        return l.number(value, decimals: decimals)
    }

    static func name(_ c: VATCategory, _ l: DocumentLanguage) -> String {
        switch c {
        case .standard: l.pick("Regelsteuersatz", "standard rate")
        case .zeroRated: l.pick("Nullsatz", "zero rate")
        case .exempt: l.pick("steuerfrei", "exempt")
        case .reverseCharge: "Reverse Charge"
        case .intraCommunity: l.pick("innergemeinschaftliche Lieferung", "intra-Community supply")
        case .export: l.pick("Ausfuhr", "export")
        case .outsideScope: l.pick("nicht steuerbar", "outside the scope of VAT")
        }
    }

    /// The note the law asks for when no VAT, or not the seller's, is charged (§ 14a UStG).
    static func taxNote(_ c: VATCategory, _ l: DocumentLanguage) -> String? {
        switch c {
        case .standard, .zeroRated: nil
        case .reverseCharge:
            l.pick(
                "Steuerschuldnerschaft des Leistungsempfängers (Reverse Charge, § 13b UStG, Art. 196 MwStSystRL).",
                "Reverse charge: the recipient is liable for the VAT (Article 196 of Directive 2006/112/EC).")
        case .intraCommunity:
            l.pick(
                "Steuerfreie innergemeinschaftliche Lieferung (§ 4 Nr. 1 Buchst. b UStG).",
                "VAT-exempt intra-Community supply (Article 138 of Directive 2006/112/EC).")
        case .export:
            l.pick(
                "Steuerfreie Ausfuhrlieferung (§ 4 Nr. 1 Buchst. a UStG).",
                "VAT-exempt export outside the EU (Article 146 of Directive 2006/112/EC).")
        case .outsideScope:
            l.pick(
                "Nicht im Inland steuerbare Leistung; die Umsatzsteuer schuldet der Leistungsempfänger nach dem Recht seines Landes.",
                "Not subject to German VAT: the place of supply is outside Germany.")
        case .exempt: l.pick("Steuerfreie Leistung.", "VAT-exempt supply.")
        }
    }

    /// How to pay, and the GiroCode for a transfer.
    static func payment(_ e: EInvoice, _ l: DocumentLanguage) -> (String, Letter.PaymentCode?) {
        let amount = l.money(e.amountDue, e.currency)
        guard e.amountDue > 0 else {
            return (l.pick("Der Rechnungsbetrag ist bereits beglichen.", "This invoice has already been paid."), nil)
        }
        let due = e.dueDate.map(l.date) ?? l.date(e.issueDate)
        guard let means = e.paymentMeans else {
            return (l.pick("Bitte zahlen Sie \(amount) bis zum \(due).", "Please pay \(amount) by \(due)."), nil)
        }
        switch means.code {
        case "59":
            let account = means.debitedIBAN.map(IBANText.masked) ?? ""
            let due = means.debitOn.map(l.date) ?? due
            return (
                l.pick(
                    "Den Betrag von \(amount) ziehen wir am \(due) per SEPA-Lastschrift von Ihrem Konto \(account) ein."
                        + " Mandatsreferenz: \(means.mandateReference ?? ""), Gläubiger-Identifikationsnummer: \(means.creditorID ?? "")."
                        + " Bitte sorgen Sie für ausreichende Deckung.",
                    "We will collect \(amount) by SEPA direct debit from your account \(account) on \(due)."
                        + " Mandate reference: \(means.mandateReference ?? ""), creditor identifier: \(means.creditorID ?? "")."
                        + " Please make sure the account is covered."), nil
            )
        case "48", "54":
            return (
                l.pick(
                    "Den Betrag von \(amount) belasten wir Ihrer hinterlegten Karte.",
                    "We will charge \(amount) to the card on file."), nil
            )
        default:
            let iban = means.iban.map(IBANText.grouped) ?? ""
            let bic = means.bic.map { ", BIC \($0)" } ?? ""
            let text = l.pick(
                "Bitte überweisen Sie \(amount) bis zum \(due) auf das Konto IBAN \(iban)\(bic)"
                    + " mit dem Verwendungszweck \(e.number).",
                "Please transfer \(amount) by \(due) to IBAN \(iban)\(bic), quoting \(e.number).")
            let code = means.iban.flatMap {
                EPCPaymentCode.code(
                    name: means.accountName ?? e.seller.name, iban: $0, bic: means.bic, amount: e.amountDue,
                    currency: e.currency, remittance: e.number)
            }
            return (
                text,
                code.map {
                    Letter.PaymentCode(
                        code: $0,
                        caption: [
                            l.pick("Zahlen mit Code", "Pay with code"),
                            l.pick("Mit der Banking-App scannen:", "Scan with your banking app:"),
                            "\(amount) · \(e.number)", "IBAN \(iban)",
                        ])
                }
            )
        }
    }
}
