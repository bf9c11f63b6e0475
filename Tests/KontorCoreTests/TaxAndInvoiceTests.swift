import KontorCore
import Testing

@Suite struct TaxAndInvoiceTests {
    func customer(_ country: String?, business: Bool = false, vat: String? = nil, exempt: Bool = false)
        -> TaxRules.Customer
    {
        TaxRules.Customer(country: country, isBusiness: business, vatID: vat.map { try! VATID($0) }, exempt: exempt)
    }

    @Test func domesticCustomerPaysTheSellersStandardRate() {
        #expect(
            TaxRules.treatment(sellerCountry: "DE", customer: customer("DE"), category: .standard)
                == .taxable(country: "DE", rate: 1900))
        #expect(
            TaxRules.treatment(sellerCountry: "DE", customer: customer(nil), category: .reduced)
                == .taxable(country: "DE", rate: 700))
        #expect(
            TaxRules.treatment(
                sellerCountry: "DE", customer: customer("DE", business: true, vat: "DE136695976"), category: .standard)
                == .taxable(country: "DE", rate: 1900)
        )
    }

    @Test func euBusinessWithVATIDInAnotherStateIsReverseCharge() {
        let treatment = TaxRules.treatment(
            sellerCountry: "DE", customer: customer("AT", business: true, vat: "ATU13585627"), category: .standard
        )
        #expect(treatment == .reverseCharge)
        #expect(treatment.rate == 0)
        #expect(treatment.categoryCode == "AE")
        #expect(treatment.note == "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge")
    }

    @Test func euConsumerPaysTheirCountrysRate() {
        #expect(
            TaxRules.treatment(sellerCountry: "DE", customer: customer("FR"), category: .standard)
                == .taxable(country: "FR", rate: 2000))
        #expect(
            TaxRules.treatment(sellerCountry: "DE", customer: customer("FI"), category: .standard)
                == .taxable(country: "FI", rate: 2550))
        // A business without a VAT ID is taxed like a consumer.
        #expect(
            TaxRules.treatment(sellerCountry: "DE", customer: customer("AT", business: true), category: .standard)
                == .taxable(country: "AT", rate: 2000))
    }

    @Test func outsideTheEUIsNotTaxableAndExemptIsExempt() {
        #expect(
            TaxRules.treatment(sellerCountry: "DE", customer: customer("US", business: true), category: .standard)
                == .outsideScope)
        #expect(TaxRules.treatment(sellerCountry: "DE", customer: customer("CH"), category: .standard) == .outsideScope)
        #expect(
            TaxRules.treatment(sellerCountry: "DE", customer: customer("DE", exempt: true), category: .standard)
                == .exempt)
    }

    @Test func taxIsRoundedPerLineThenSummedPerRate() throws {
        // 3 × 0.05 at 19 %: per line 0.0095 → 0.01 each = 0.03 (on the sum it would be 0.0285 → 0.03).
        // 3 × 0.02 at 19 %: per line 0.0038 → 0.00 each = 0.00 (on the sum 0.0114 → 0.01).
        let lines = (0..<3).map { _ in InvoiceLineDraft(description: "x", amount: 2) }
        let totals = try InvoiceTotals(lines: lines, treatment: .taxable(country: "DE", rate: 1900))
        #expect(totals.tax == 0)
        #expect(totals.subtotal == 6)
        #expect(totals.total == 6)
        let other = try InvoiceTotals(
            lines: [4900, 2450, -1633].map { InvoiceLineDraft(description: "x", amount: $0) },
            treatment: .taxable(country: "DE", rate: 1900)
        )
        #expect(other.lines.map(\.taxAmount) == [931, 466, -310])
        #expect(other.tax == 1087)
        #expect(other.breakdown.map(\.net) == [5717])
        #expect(other.total == 5717 + 1087)
    }

    @Test func ledgerPostingsOfInvoicesAndCreditNotesBalance() throws {
        let totals = try InvoiceTotals(
            lines: [InvoiceLineDraft(description: "x", amount: 4900)], treatment: .taxable(country: "DE", rate: 1900)
        )
        let invoice = LedgerRules.invoice(totals)
        #expect(invoice.reduce(0) { $0 + $1.amount } == 0)
        #expect(invoice.first { $0.account == .receivable }?.amount == 5831)
        #expect(invoice.first { $0.account == .vatPayable }?.amount == -931)
        #expect(LedgerRules.creditNote(totals).reduce(0) { $0 + $1.amount } == 0)
        let reverse = try InvoiceTotals(
            lines: [InvoiceLineDraft(description: "x", amount: 4900)], treatment: .reverseCharge)
        #expect(LedgerRules.invoice(reverse).map(\.account) == [.receivable, .revenue])
    }

    @Test func numberFormatsPadAndNeverReset() throws {
        let date = LocalDate("2027-01-05")!
        #expect(InvoiceNumberFormat.invoiceDefault.format(sequence: 42, issueDate: date) == "2027-000042")
        #expect(InvoiceNumberFormat.creditNoteDefault.format(sequence: 7, issueDate: date) == "CN-2027-000007")
        #expect(try InvoiceNumberFormat("RE{YY}{MM}-{seq}").format(sequence: 1234, issueDate: date) == "RE2701-1234")
        #expect(throws: ValidationError.self) { try InvoiceNumberFormat("no-sequence") }
    }

    @Test func ratesPrintAsPercentText() {
        #expect(VATRates.percentText(1900) == "19")
        #expect(VATRates.percentText(2550) == "25.5")
        #expect(VATRates.percentText(950) == "9.5")
        #expect(VATRates.byCountry.count == 28)
        #expect(Set(VATRates.byCountry.keys).subtracting(["XI"]) == CountryCode.euMembers)
    }
}
