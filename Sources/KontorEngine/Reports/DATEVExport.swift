import Foundation
import KontorCore
import KontorStore

/// The DATEV Buchungsstapel of a period's postings (SKR 03), for the tax advisor.
///
/// Each ledger document becomes rows on the customer's debtor account (10000 + the customer's
/// number; customer credit is the same debtor account's credit balance) against the mapped
/// account of each other posting (`DATEVAccountsSKR03`). Domestic revenue and its VAT fold into
/// one gross row on the automatic revenue account, as DATEV expects; revenue taxable in another
/// EU country keeps its VAT in a row of its own. Belegfeld 1 carries the invoice number.
public struct DATEVExport: Sendable {
    let operations: OperationRunner
    let ledger: LedgerDocumentRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.ledger = LedgerDocumentRepository(logger: database.logger)
    }

    public func export(from: LocalDate, to: LocalDate, tenant: Tenant) async throws -> String {
        guard from <= to else { throw ValidationError(field: "from", message: "must not be after to") }
        guard from.days(to: to) <= 366 else {
            throw ValidationError(field: "to", message: "must be within a year of from")
        }
        return try await operations.report(tenant) { op in
            let profile = try await op.profile()
            let documents = try await ledger.documents(from: from, to: to, tenantID: tenant.id, on: op.connection)
            let created = RFC3339.string(op.now).filter(\.isNumber).prefix(14) + "000"
            let fyStart =
                LocalDate(year: to.year, month: profile.fiscalYearStartMonth, day: 1).map {
                    $0 > to ? LocalDate(year: to.year - 1, month: profile.fiscalYearStartMonth, day: 1)! : $0
                } ?? LocalDate(year: to.year, month: 1, day: 1)!
            return DATEVBuchungsstapel.render(
                header: DATEVHeader(
                    createdAt: String(created), createdBy: "kontor", consultant: profile.datevConsultant,
                    client: profile.datevClient, fiscalYearStart: fyStart, accountLength: 4, from: from, to: to,
                    label: "Kontor \(from)–\(to)", currency: "EUR", chartOfAccounts: "03"),
                bookings: documents.flatMap { Self.bookings($0, homeCountry: profile.homeCountry) })
        }
    }

    /// One document's rows: on the customer's debtor account (10000 + its number) against each
    /// other posting's mapped account.
    static func bookings(_ d: LedgerDocument, homeCountry: String) -> [DATEVBooking] {
        let debtor = 10000 + Int(d.customerNumber % 60000)
        let revenue = DATEVAccountsSKR03.revenue(treatment: d.taxTreatment, homeCountry: homeCountry)
        var counter: [(Int, Int64)] = d.postings.filter {
            $0.account != "receivable" && $0.account != "customer_credit"
        }
        .map { account, amount in
            switch account {
            case "revenue": (revenue.account, amount)
            case "vat_payable" where d.taxTreatment != nil: (revenue.vatAccount, amount)
            default: (DATEVAccountsSKR03.account(account), amount)
            }
        }
        // On an automatic account DATEV computes the VAT from the gross amount: one row.
        if revenue.automatic, let vat = counter.firstIndex(where: { $0.0 == DATEVAccountsSKR03.vat }),
            let net = counter.firstIndex(where: { $0.0 == revenue.account })
        {
            counter[net].1 += counter[vat].1
            counter.remove(at: vat)
        }
        return counter.filter { $0.1 != 0 }.map { account, amount in
            DATEVBooking(
                amount: abs(amount), debit: amount < 0, currency: d.currency, account: debtor, contraAccount: account,
                documentDate: d.bookingDate, documentNumber: d.number, text: "\(d.type) \(d.number)",
                euVATID: d.taxTreatment == "reverse_charge" ? d.buyerVATID : nil)
        }
    }
}
