import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// The DATEV Buchungsstapel of a period's postings (SKR 03), for the tax advisor.
///
/// Each ledger document becomes rows on the customer's debtor account (10000 + the customer's
/// number; customer credit is the same debtor account's credit balance) against the mapped
/// account of each other posting (`DATEVAccountsSKR03`). Domestic revenue and its VAT fold into
/// one gross row on the automatic revenue account, as DATEV expects; revenue taxable in another
/// EU country keeps its VAT in a row of its own. Belegfeld 1 carries the invoice number.
public struct DATEVExport: Sendable {
    let database: Database
    let clock: any BillingClock

    public init(database: Database, clock: any BillingClock) {
        self.database = database
        self.clock = clock
    }

    public func export(from: LocalDate, to: LocalDate, tenant: Tenant) async throws -> String {
        guard from <= to else { throw ValidationError(field: "from", message: "must not be after to") }
        guard from.days(to: to) <= 366 else {
            throw ValidationError(field: "to", message: "must be within a year of from")
        }
        let now = try await clock.now(for: tenant)
        return try await database.withConnection { conn in
            let profile = try await TenantRepository(database: database).profile(tenant.id, on: conn)
            let rows = try await conn.query(
                """
                SELECT e.document_type, e.document_id, coalesce(e.document_number, e.document_id),
                       coalesce(c.seq, 0), e.account, sum(e.amount)::bigint, e.currency, e.booking_date,
                       coalesce(i.tax_treatment, cn.tax_treatment), i.buyer_vat_id
                FROM ledger_entries e
                LEFT JOIN customers c ON c.tenant_id = e.tenant_id AND c.customer_id = e.customer_id
                LEFT JOIN invoices i ON e.document_type = 'invoice' AND i.tenant_id = e.tenant_id
                     AND i.invoice_id = e.document_id
                LEFT JOIN credit_notes cn ON e.document_type = 'credit_note' AND cn.tenant_id = e.tenant_id
                     AND cn.credit_note_id = e.document_id
                WHERE e.tenant_id = \(tenant.id) AND e.booking_date BETWEEN \(from) AND \(to)
                GROUP BY e.document_type, e.document_id, e.document_number, c.seq, e.account, e.currency,
                         e.booking_date, i.tax_treatment, cn.tax_treatment, i.buyer_vat_id
                ORDER BY e.booking_date, min(e.entry_id)
                """,
                logger: database.logger
            )
            struct Doc {
                var type: String
                var number: String
                var debtor: Int
                var currency: String
                var date: LocalDate
                var treatment: String?
                var vatID: String?
                var postings: [(String, Int64)] = []
            }
            var docs: [String: Doc] = [:]
            var order: [String] = []
            for try await r in rows.decode(
                (String, String, String, Int64, String, Int64, String, LocalDate, String?, String?).self
            ) {
                let key = r.0 + "/" + r.1
                if docs[key] == nil {
                    order.append(key)
                    docs[key] = Doc(
                        type: r.0, number: r.2, debtor: 10000 + Int(r.3 % 60000), currency: r.6, date: r.7,
                        treatment: r.8, vatID: r.9)
                }
                docs[key]!.postings.append((r.4, r.5))
            }
            var bookings: [DATEVBooking] = []
            for key in order {
                let d = docs[key]!
                let revenue = DATEVAccountsSKR03.revenue(treatment: d.treatment, homeCountry: profile.homeCountry)
                var counter: [(Int, Int64)] = d.postings.filter { $0.0 != "receivable" && $0.0 != "customer_credit" }
                    .map { account, amount in
                        switch account {
                        case "revenue": (revenue.account, amount)
                        case "vat_payable" where d.treatment != nil: (revenue.vatAccount, amount)
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
                for (account, amount) in counter where amount != 0 {
                    bookings.append(
                        DATEVBooking(
                            amount: abs(amount), debit: amount < 0, currency: d.currency, account: d.debtor,
                            contraAccount: account, documentDate: d.date,
                            documentNumber: d.number, text: "\(d.type) \(d.number)",
                            euVATID: d.treatment == "reverse_charge" ? d.vatID : nil))
                }
            }
            let created = RFC3339.string(now).filter(\.isNumber).prefix(14) + "000"
            let fyStart =
                LocalDate(year: to.year, month: profile.fiscalYearStartMonth, day: 1).map {
                    $0 > to ? LocalDate(year: to.year - 1, month: profile.fiscalYearStartMonth, day: 1)! : $0
                } ?? LocalDate(year: to.year, month: 1, day: 1)!
            return DATEVBuchungsstapel.render(
                header: DATEVHeader(
                    createdAt: String(created), createdBy: "kontor", consultant: profile.datevConsultant,
                    client: profile.datevClient, fiscalYearStart: fyStart, accountLength: 4, from: from, to: to,
                    label: "Kontor \(from)–\(to)", currency: "EUR", chartOfAccounts: "03"),
                bookings: bookings)
        }
    }
}
