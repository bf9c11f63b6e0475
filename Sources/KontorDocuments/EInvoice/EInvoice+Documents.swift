import KontorCore

extension EInvoice {
    /// An issued invoice as an e-invoice. `customerID` stands in for the buyer reference when
    /// the customer has none (XRechnung requires BT-10). `prepaid` is what was paid when it was
    /// issued (customer credit applied); by default what the invoice has been paid so far.
    public init(
        invoice: Invoice, seller: SellerDetails, buyer details: BuyerDetails = BuyerDetails(), prepaid: Int64? = nil
    ) {
        let treatment = TaxTreatment(code: invoice.taxTreatment) ?? .exempt
        let currency = Currency(code: invoice.currency) ?? .eur
        self.init(
            kind: .invoice, number: invoice.number, issueDate: invoice.issueDate, currency: currency,
            notes: invoice.taxNote.map { [$0] } ?? [], buyerReference: details.reference ?? invoice.customerID,
            orderReference: details.orderReference,
            period: invoice.periodStart.flatMap { s in invoice.periodEnd.map { BillingPeriod(start: s, end: $0) } },
            seller: Self.party(seller, treatment: treatment),
            buyer: Self.party(invoice.buyer, treatment: treatment, electronicAddress: details.electronicAddress),
            lines: Self.lines(invoice.lines, treatment: treatment),
            taxGroups: Self.groups(invoice.taxBreakdown, treatment: treatment, subtotal: invoice.subtotal),
            lineTotal: invoice.subtotal, taxTotal: invoice.tax, grandTotal: invoice.total,
            prepaid: prepaid ?? invoice.amountPaid,
            dueDate: invoice.dueDate,
            paymentTerms: Self.terms(
                due: details.debitOn ?? invoice.dueDate, issued: invoice.issueDate, debit: details.mandate != nil),
            paymentMeans: Self.means(seller, details), precedingInvoice: nil)
    }

    /// A credit note as an e-invoice (type 381), referring to the invoice it corrects; its
    /// parties are those of that invoice.
    public init(
        creditNote note: CreditNote, of invoice: Invoice, seller: SellerDetails,
        buyer details: BuyerDetails = BuyerDetails()
    ) {
        let treatment = TaxTreatment(code: note.taxTreatment) ?? .exempt
        self.init(
            kind: .creditNote, number: note.number, issueDate: note.issueDate,
            currency: Currency(code: note.currency) ?? .eur,
            notes: ["Gutschrift zu Rechnung \(invoice.number) / Credit note for invoice \(invoice.number)"]
                + (note.taxNote.map { [$0] } ?? []),
            buyerReference: details.reference ?? invoice.customerID, orderReference: details.orderReference,
            period: nil, seller: Self.party(seller, treatment: treatment),
            buyer: Self.party(invoice.buyer, treatment: treatment, electronicAddress: details.electronicAddress),
            lines: Self.lines(note.lines, treatment: treatment),
            taxGroups: Self.groups(note.taxBreakdown, treatment: treatment, subtotal: note.subtotal),
            lineTotal: note.subtotal, taxTotal: note.tax, grandTotal: note.total, prepaid: 0, dueDate: nil,
            paymentTerms: nil, paymentMeans: nil,
            precedingInvoice: InvoiceReference(number: invoice.number, issueDate: invoice.issueDate))
    }

    static func party(_ s: SellerDetails, treatment: TaxTreatment) -> Party {
        let category = VATCategory(treatment, rate: treatment.rate)
        // Outside the scope of VAT no VAT ID may appear (BR-O-02); the seller is then named by
        // its tax number or VAT ID as a plain identifier (BR-CO-26).
        let identifier = category.allowsVATIdentifiers ? nil : s.taxNumber ?? s.vatID
        let contact =
            s.contactName == nil && s.phone == nil && s.email == nil
            ? nil : Contact(name: s.contactName, phone: s.phone, email: s.email)
        return Party(
            name: s.name ?? "", address: PostalAddress(text: s.address, country: s.country),
            vatID: category.allowsVATIdentifiers ? s.vatID : nil,
            taxNumber: category.allowsVATIdentifiers ? s.taxNumber : nil, identifier: identifier,
            electronicAddress: s.electronicAddress ?? s.email, contact: contact)
    }

    static func party(_ p: InvoiceParty, treatment: TaxTreatment, electronicAddress: String?) -> Party {
        let category = VATCategory(treatment, rate: treatment.rate)
        return Party(
            name: p.name ?? "", address: PostalAddress(text: p.address, country: p.country ?? "DE"),
            vatID: category.allowsVATIdentifiers ? p.vatID : nil, electronicAddress: electronicAddress)
    }

    /// Lines with a price that is never negative (BR-27): a negative amount (a proration
    /// credit) is a negative quantity. Where quantity × price does not give the amount (tiered
    /// usage), the line is one unit at its amount, the quantity named in its text.
    static func lines(_ lines: [InvoiceLine], treatment: TaxTreatment) -> [Line] {
        lines.enumerated().map { i, line in
            let sign: Int64 = line.amount < 0 ? -1 : 1
            let quantity = max(line.quantity.magnitude, 1)
            let magnitude = line.amount.magnitude
            var name = line.description
            var quantityMilli = Int64(quantity) * 1000 * sign
            var price = Int64(magnitude) * 10_000 / Int64(quantity)
            if Int64(magnitude) * 10_000 % Int64(quantity) != 0 {
                name += " (\(line.quantity) ×)"
                quantityMilli = 1000 * sign
                price = Int64(magnitude) * 10_000
            }
            return Line(
                id: String(i + 1), name: name, quantityMilli: quantityMilli, unitCode: "C62", netPriceScaled: price,
                netAmount: line.amount, category: VATCategory(treatment, rate: line.taxRate), rate: line.taxRate,
                period: line.periodStart.flatMap { s in line.periodEnd.map { BillingPeriod(start: s, end: $0) } })
        }
    }

    static func groups(_ breakdown: [TaxRateTotal], treatment: TaxTreatment, subtotal: Int64) -> [TaxGroup] {
        let groups = breakdown.map {
            TaxGroup(category: VATCategory(treatment, rate: $0.rate), rate: $0.rate, basis: $0.net, tax: $0.tax)
        }
        if !groups.isEmpty { return groups }
        return [TaxGroup(category: VATCategory(treatment, rate: 0), rate: 0, basis: subtotal, tax: 0)]
    }

    static func terms(due: LocalDate, issued: LocalDate, debit: Bool) -> String {
        if debit {
            return
                "Der Betrag wird am \(due) per SEPA-Lastschrift eingezogen / Collected by SEPA direct debit on \(due)"
        }
        if due <= issued { return "Sofort fällig ohne Abzug / Due immediately without deduction" }
        return "Zahlbar ohne Abzug bis \(due) / Payable without deduction by \(due)"
    }

    static func means(_ seller: SellerDetails, _ buyer: BuyerDetails) -> PaymentMeans? {
        if let mandate = buyer.mandate {
            var means = PaymentMeans(
                code: "59", mandateReference: mandate.reference, creditorID: seller.creditorID,
                debitedIBAN: mandate.iban)
            means.debitOn = buyer.debitOn
            return means
        }
        guard let iban = seller.iban else { return nil }
        return PaymentMeans(code: "58", iban: iban, bic: seller.bic, accountName: seller.name)
    }
}
