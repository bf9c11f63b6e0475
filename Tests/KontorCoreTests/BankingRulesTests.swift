import Foundation
import KontorCore
import Testing

@Suite struct BankingRulesTests {
    let items = [
        OpenItem(
            id: "inv_1", number: "2026-000101", customerID: "cus_a", issueDate: day("2026-01-01"),
            dueDate: day("2026-01-15"), total: 11900, open: 11900, currency: "EUR"),
        OpenItem(
            id: "inv_2", number: "2026-000102", customerID: "cus_a", issueDate: day("2026-02-01"),
            dueDate: day("2026-02-15"), total: 5000, open: 5000, currency: "EUR"),
        OpenItem(
            id: "inv_3", number: "2026-000103", customerID: "cus_b", issueDate: day("2026-02-01"),
            dueDate: day("2026-02-15"), total: 5000, open: 5000, currency: "EUR"),
    ]

    var candidates: MatchCandidates {
        MatchCandidates(
            items: items,
            customersByIBAN: ["DE89370400440532013000": ["cus_a"], "DE02120300000000202051": ["cus_b", "cus_c"]],
            customerNames: ["cus_a": "Acme GmbH", "cus_b": "Beta AG"])
    }

    @Test func invoiceNumberInTheRemittanceTextWins() {
        let credit = BankCredit(
            amount: 12000, currency: "EUR", remittance: "Rechnung 2026-000101, Kd-Nr 7", payerIBAN: nil,
            payerName: "Someone")
        guard case .matched(let customer, let rule, let plan) = PaymentMatcher.match(credit, candidates: candidates)
        else { Issue.record("unmatched"); return }
        #expect(customer == "cus_a")
        #expect(rule == .invoiceNumber)
        #expect(plan.shares == [.init(itemID: "inv_1", amount: 11900)])
        #expect(plan.surplus == 100)
    }

    @Test func payerIBANAndAnExactAmountMatchWithoutANumber() {
        let credit = BankCredit(
            amount: 5000, currency: "EUR", remittance: "Danke", payerIBAN: "DE89 3704 0044 0532 0130 00", payerName: nil
        )
        guard case .matched(_, let rule, let plan) = PaymentMatcher.match(credit, candidates: candidates) else {
            Issue.record("unmatched"); return
        }
        #expect(rule == .ibanAndAmount)
        #expect(plan.shares == [.init(itemID: "inv_2", amount: 5000)])
        let all = BankCredit(
            amount: 16900, currency: "EUR", remittance: "", payerIBAN: "DE89370400440532013000", payerName: nil)
        guard case .matched(_, _, let both) = PaymentMatcher.match(all, candidates: candidates) else {
            Issue.record("unmatched"); return
        }
        #expect(both.shares.map(\.itemID) == ["inv_1", "inv_2"])
    }

    @Test func customerNameAndAmountIsTheWeakestRule() {
        let credit = BankCredit(amount: 5000, currency: "EUR", remittance: "", payerIBAN: nil, payerName: "beta  ag")
        guard case .matched(let c, let rule, _) = PaymentMatcher.match(credit, candidates: candidates) else {
            Issue.record("unmatched"); return
        }
        #expect(c == "cus_b")
        #expect(rule == .customerAndAmount)
    }

    @Test func anythingAmbiguousStaysUnmatched() {
        let shared = BankCredit(
            amount: 5000, currency: "EUR", remittance: "", payerIBAN: "DE02120300000000202051", payerName: nil)
        if case .matched = PaymentMatcher.match(shared, candidates: candidates) {
            Issue.record("matched a shared IBAN")
        }
        let twoCustomers = BankCredit(
            amount: 16900, currency: "EUR", remittance: "2026-000101 2026-000103", payerIBAN: nil, payerName: nil)
        if case .matched = PaymentMatcher.match(twoCustomers, candidates: candidates) {
            Issue.record("matched two customers")
        }
        let wrongAmount = BankCredit(
            amount: 4999, currency: "EUR", remittance: "", payerIBAN: "DE89370400440532013000", payerName: nil)
        if case .matched = PaymentMatcher.match(wrongAmount, candidates: candidates) {
            Issue.record("matched a wrong amount")
        }
        let otherCurrency = BankCredit(
            amount: 11900, currency: "CHF", remittance: "2026-000101", payerIBAN: nil, payerName: nil)
        if case .matched = PaymentMatcher.match(otherCurrency, candidates: candidates) { Issue.record("matched CHF") }
    }

    @Test func datevRevenueAccountsFollowTheTaxTreatmentAndOSSKeepsItsVATApart() {
        let r = { (t: String) in DATEVAccountsSKR03.revenue(treatment: t, homeCountry: "DE") }
        #expect(r("taxable:DE:1900") == .init(account: 8400, automatic: true, vatAccount: 1776))
        #expect(r("taxable:DE:700") == .init(account: 8300, automatic: true, vatAccount: 1776))
        // B2C in another EU country (OSS): net on 8339, the foreign VAT on 1768, not folded.
        #expect(r("taxable:FR:2000") == .init(account: 8339, automatic: false, vatAccount: 1768))
        #expect(r("taxable:AT:700").account == 8339)
        #expect(r("reverse_charge").account == 8336)
        #expect(r("outside_scope").account == 8338)
        #expect(r("exempt").account == 8100)
        #expect(DATEVAccountsSKR03.account("bad_debt") == 2400)
    }

    @Test func datevAmountsUseADecimalCommaAndDatesTTMM() {
        #expect(DATEVBuchungsstapel.decimal(123_456) == "1234,56")
        #expect(DATEVBuchungsstapel.decimal(5) == "0,05")
        #expect(DATEVBuchungsstapel.decimal(-1000) == "10,00")
        #expect(DATEVBuchungsstapel.dayMonth(day("2026-03-05")) == "0503")
    }

    @Test func datevFileHasTheEXTFHeaderColumnNamesAndCRLFRows() {
        let header = DATEVHeader(
            createdAt: "20261122101500000", createdBy: "kontor", consultant: 1001, client: 1,
            fiscalYearStart: day("2026-01-01"), accountLength: 4, from: day("2026-11-01"), to: day("2026-11-30"),
            label: "Kontor 2026-11", currency: "EUR", chartOfAccounts: "03")
        let text = DATEVBuchungsstapel.render(
            header: header,
            bookings: [
                DATEVBooking(
                    amount: 11900, debit: true, currency: "EUR", account: 10001, contraAccount: 8400,
                    documentDate: day("2026-11-03"), documentNumber: "2026-000101", text: "Rechnung \"A\"")
            ])
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.count == 4 && lines[3].isEmpty)
        #expect(
            lines[0].hasPrefix(
                #""EXTF";700;21;"Buchungsstapel";13;20261122101500000;;"RE";"kontor";"";1001;1;20260101;4;20261101;20261130;"#
            ))
        #expect(lines[0].split(separator: ";", omittingEmptySubsequences: false).count == 31)
        #expect(lines[1].split(separator: ";").count == 40)
        let row = lines[2].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        #expect(row[0] == "119,00" && row[1] == "\"S\"" && row[6] == "10001" && row[7] == "8400")
        #expect(row[9] == "0311" && row[10] == "\"2026-000101\"" && row[13] == "\"Rechnung \"\"A\"\"\"")
    }
}
