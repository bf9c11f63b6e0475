import Foundation
import KontorCore
import Testing

/// The debtor account's running balance, DSO by month, payment suggestions and the four-eyes
/// rule for write-offs.
@Suite struct BooksRulesTests {
    func day(_ s: String) -> LocalDate { LocalDate(s)! }

    func entry(_ d: String, _ kind: DebtorAccount.Kind, _ amount: Int64?, _ currency: String = "EUR")
        -> DebtorAccount.Entry
    {
        DebtorAccount.Entry(
            date: day(d), kind: kind, documentID: "x", number: "n", currency: currency, amount: amount, text: nil)
    }

    @Test func theRunningBalanceStartsAtTheOpeningAndEndsAtTheClosingPerCurrency() {
        let a = DebtorAccount(
            from: day("2027-03-01"), through: day("2027-03-31"), opening: ["EUR": 1000],
            entries: [
                entry("2027-03-02", .invoice, 11900), entry("2027-03-03", .dunningNotice, nil),
                entry("2027-03-04", .payment, -5000), entry("2027-03-05", .invoice, 700, "CHF"),
                entry("2027-03-06", .creditNote, -900),
            ])
        #expect(a.lines.map(\.balance) == [12900, 12900, 7900, 700, 7000])
        #expect(a.lines[1].debit == 0 && a.lines[1].credit == 0, "an event moves no money")
        let eur = a.balances.first { $0.currency == "EUR" }!
        #expect((eur.opening, eur.debits, eur.credits, eur.closing) == (1000, 11900, 5900, 7000))
        #expect(a.balances.map(\.currency) == ["CHF", "EUR"])
        #expect(a.balances.first!.closing == 700)
        #expect(DebtorAccount.Kind(documentType: "invoice", billingReason: "dunning_fee") == .feeItem)
        #expect(DebtorAccount.Kind(documentType: "invoice", billingReason: "subscription_cycle") == .invoice)
    }

    @Test func aSpanRunsForwardAndAtMostTenYears() {
        #expect(AccountSpan.problems(from: day("2027-03-01"), through: day("2027-02-28")).map(\.field) == ["to"])
        #expect(AccountSpan.problems(from: day("2010-01-01"), through: day("2027-02-28")).map(\.field) == ["from"])
        #expect(AccountSpan.problems(from: day("2027-03-01"), through: day("2027-03-01")).isEmpty)
        #expect(DebtorBalanceCursor(token: "cus_abc~EUR")?.currency == "EUR")
        for bad in ["cus_abc", "abc~EUR", "cus_abc~EURO", "cus_abc~EUR~x"] {
            #expect(DebtorBalanceCursor(token: bad) == nil, "\(bad)")
        }
    }

    @Test func dsoIsTheMonthEndReceivableOverTheMonthsSalesAndNoneWithoutSales() {
        let months = DSOHistory.months(
            through: day("2027-03-15"), opening: ["EUR": 10000],
            movement: [
                "EUR": [day("2027-02-01"): (net: 20000, sales: 60000), day("2027-03-01"): (net: -30000, sales: 0)]
            ])
        #expect(months.count == 12)
        #expect(months.first!.month == day("2026-04-01") && months.last!.month == day("2027-03-01"))
        let feb = months.first { $0.month == day("2027-02-01") }!
        // 30,000 open at the end of February over 60,000 invoiced in its 28 days: 14 days.
        #expect(feb.dso.receivables == 30000 && feb.dso.hundredthsOfDays == 1400)
        #expect(months.last!.dso.receivables == 0 && months.last!.dso.hundredthsOfDays == nil)
        #expect(months.last!.dso.days == 15, "the running month counts to today")
    }

    func item(_ id: String, _ customer: String, open: Int64, due: String) -> OpenItem {
        OpenItem(
            id: id, number: id.uppercased(), customerID: customer, issueDate: day("2027-01-01"), dueDate: day(due),
            total: open, open: open, currency: "EUR")
    }

    @Test func suggestionsNameEveryCustomerTheEvidencePointsAtStrongestFirst() {
        let items = [
            item("inv_a", "cus_a", open: 5000, due: "2027-02-01"),
            item("inv_b", "cus_b", open: 7000, due: "2027-02-01"),
            item("inv_b2", "cus_b", open: 3000, due: "2027-01-15"),
        ]
        let candidates = MatchCandidates(
            items: items, customersByIBAN: ["DE02120300000000202051": ["cus_b", "cus_c"]],
            customerNames: ["cus_a": "Greta GmbH"])
        let credit = BankCredit(
            amount: 3000, currency: "EUR", remittance: "Teil INV_A", payerIBAN: "DE02 1203 0000 0000 2020 51",
            payerName: "greta  gmbh")
        // The matcher alone would book it to cus_a by number; suggestions show every lead.
        let s = PaymentMatcher.suggestions(credit, candidates: candidates)
        #expect(s.map(\.customerID) == ["cus_a", "cus_b", "cus_c"])
        #expect(s.map(\.evidence) == [.invoiceNumber, .iban, .iban])
        #expect(s[1].amountFits && s[1].plan.shares.map(\.itemID) == ["inv_b2"], "the amount fits one item")
        #expect(!s[2].amountFits && s[2].plan.surplus == 3000, "nothing open: all of it becomes credit")
        #expect(PaymentMatcher.suggestions(credit, candidates: candidates, limit: 1).count == 1)
    }

    @Test func aWriteOffAboveTheThresholdNeedsSomeoneElse() {
        #expect(!WriteOffRules.needsApproval(25000, threshold: 25000))
        #expect(WriteOffRules.needsApproval(25001, threshold: 25000))
        #expect(WriteOffRules.decisionProblem(proposer: "user:usr_a", decider: "user:usr_a") != nil)
        #expect(WriteOffRules.decisionProblem(proposer: "user:usr_a", decider: "user:usr_b") == nil)
        #expect(WriteOffRules.reasonProblems(" ").map(\.field) == ["reason"])
        #expect(WriteOffRules.reasonProblems(String(repeating: "x", count: 501)).map(\.field) == ["reason"])
    }
}
