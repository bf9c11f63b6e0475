import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Writes issued invoices and credit notes with their lines in bulk: one `INSERT … SELECT FROM
/// unnest(…)` per table, whatever the number of documents. Nullable columns travel as empty
/// strings (PostgresNIO arrays have no NULL elements) and become NULL through `NULLIF`.
public struct InvoiceWriter: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Reserves `count` consecutive numbers of `series` and returns the first. The row lock
    /// this takes is held until commit: that is what makes numbers gap-free and increasing.
    public func reserveNumbers(series: String, count: Int, tenantID: String, on conn: PostgresConnection)
        async throws -> Int64
    {
        let rows = try await conn.query(
            """
            INSERT INTO number_series (tenant_id, series, next_value) VALUES (\(tenantID), \(series), \(1 + count))
            ON CONFLICT (tenant_id, series) DO UPDATE SET next_value = number_series.next_value + \(count)
            RETURNING next_value - \(count)
            """,
            logger: logger.forQuery
        )
        for try await first in rows.decode(Int64.self) { return first }
        throw StoreError.notFound
    }

    /// Inserts invoice rows (not their lines: `insertLines`), skipping any whose (subscription,
    /// billing date, reason) is already invoiced. Returns the ids actually inserted.
    public func insert(_ invoices: [Invoice], tenantID: String, on conn: PostgresConnection) async throws -> Set<
        String
    > {
        guard !invoices.isEmpty else { return [] }
        func text(_ s: String?) -> String { s ?? "" }
        func date(_ d: LocalDate?) -> String { d?.description ?? "" }
        let breakdowns = try invoices.map { String(decoding: try JSONEncoder().encode($0.taxBreakdown), as: UTF8.self) }
        let rows = try await conn.query(
            """
            INSERT INTO invoices (tenant_id, invoice_id, number, customer_id, subscription_id, billing_reason,
                billing_date, currency, issue_date, due_date, period_start, period_end, subtotal, tax, total,
                tax_treatment, tax_note, tax_breakdown, seller_name, seller_address, seller_vat_id, buyer_name,
                buyer_address, buyer_country, buyer_vat_id, collection_method, livemode, issued_at, next_collection_at,
                claim_invoice_id)
            SELECT \(tenantID), id, number, customer_id, NULLIF(subscription_id, ''), reason,
                NULLIF(billing_date, '')::date, currency, issue_date, due_date, NULLIF(period_start, '')::date,
                NULLIF(period_end, '')::date, subtotal, tax, total, treatment, NULLIF(note, ''), breakdown::jsonb,
                seller_name, NULLIF(seller_address, ''), NULLIF(seller_vat_id, ''), NULLIF(buyer_name, ''),
                NULLIF(buyer_address, ''), NULLIF(buyer_country, ''), NULLIF(buyer_vat_id, ''), collection, livemode,
                issued_at, CASE WHEN collection = 'charge_automatically' AND total > 0 THEN issued_at END,
                NULLIF(claim, '')
            FROM unnest(
                \(invoices.map(\.id)), \(invoices.map(\.number)), \(invoices.map(\.customerID)),
                \(invoices.map { text($0.subscriptionID) }), \(invoices.map(\.billingReason)),
                \(invoices.map { date($0.billingDate) }), \(invoices.map(\.currency)), \(invoices.map(\.issueDate)),
                \(invoices.map(\.dueDate)), \(invoices.map { date($0.periodStart) }),
                \(invoices.map { date($0.periodEnd) }), \(invoices.map(\.subtotal)), \(invoices.map(\.tax)),
                \(invoices.map(\.total)), \(invoices.map(\.taxTreatment)), \(invoices.map { text($0.taxNote) }),
                \(breakdowns), \(invoices.map { $0.seller.name ?? "" }), \(invoices.map { text($0.seller.address) }),
                \(invoices.map { text($0.seller.vatID) }), \(invoices.map { text($0.buyer.name) }),
                \(invoices.map { text($0.buyer.address) }), \(invoices.map { text($0.buyer.country) }),
                \(invoices.map { text($0.buyer.vatID) }), \(invoices.map(\.collectionMethod)),
                \(invoices.map(\.livemode)), \(invoices.map(\.issuedAt)), \(invoices.map { text($0.claimInvoiceID) })
            ) AS i(id, number, customer_id, subscription_id, reason, billing_date, currency, issue_date, due_date,
                   period_start, period_end, subtotal, tax, total, treatment, note, breakdown, seller_name,
                   seller_address, seller_vat_id, buyer_name, buyer_address, buyer_country, buyer_vat_id,
                   collection, livemode, issued_at, claim)
            ON CONFLICT (tenant_id, subscription_id, billing_date, billing_reason)
                WHERE billing_reason IN ('subscription_cycle', 'subscription_final') DO NOTHING
            RETURNING invoice_id
            """,
            logger: logger.forQuery
        )
        var inserted: Set<String> = []
        for try await id in rows.decode(String.self) { inserted.insert(id) }
        return inserted
    }

    /// Inserts the lines of invoices, keyed by invoice id. They need no invoice number, so the
    /// issuer writes them before it takes the number series lock.
    public func insertLines(
        _ documents: [(invoiceID: String, lines: [InvoiceLine])], tenantID: String,
        on conn: PostgresConnection
    ) async throws {
        try await insertLines(
            table: "invoice_lines", idColumn: "invoice_id", documents: documents.map { ($0.invoiceID, $0.lines) },
            tenantID: tenantID, on: conn
        )
    }

    public func insert(_ note: CreditNote, tenantID: String, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            INSERT INTO credit_notes (tenant_id, credit_note_id, number, invoice_id, customer_id, reason, memo,
                currency, issue_date, subtotal, tax, total, tax_treatment, tax_note, tax_breakdown, livemode,
                issued_at)
            VALUES (\(tenantID), \(note.id), \(note.number), \(note.invoiceID), \(note.customerID), \(note.reason),
                \(note.memo), \(note.currency), \(note.issueDate), \(note.subtotal), \(note.tax), \(note.total),
                \(note.taxTreatment), \(note.taxNote),
                \(String(decoding: try JSONEncoder().encode(note.taxBreakdown), as: UTF8.self))::jsonb,
                \(note.livemode), \(note.issuedAt))
            """,
            logger: logger.forQuery
        )
        try await insertLines(
            table: "credit_note_lines", idColumn: "credit_note_id", documents: [(note.id, note.lines)],
            tenantID: tenantID, on: conn
        )
    }

    func insertLines(
        table: String, idColumn: String, documents: [(String, [InvoiceLine])], tenantID: String,
        on conn: PostgresConnection
    ) async throws {
        var ids: [String] = []
        var numbers: [Int32] = []
        var descriptions: [String] = []
        var charges: [String] = []
        var starts: [String] = []
        var ends: [String] = []
        var quantities: [Int64] = []
        var unitAmounts: [Int64] = []
        var hasUnit: [Bool] = []
        var amounts: [Int64] = []
        var rates: [Int32] = []
        var taxes: [Int64] = []
        for (id, lines) in documents {
            for (n, line) in lines.enumerated() {
                ids.append(id)
                numbers.append(Int32(n + 1))
                descriptions.append(line.description)
                charges.append(line.chargeCode ?? "")
                starts.append(line.periodStart?.description ?? "")
                ends.append(line.periodEnd?.description ?? "")
                quantities.append(line.quantity)
                unitAmounts.append(line.unitAmount ?? 0)
                hasUnit.append(line.unitAmount != nil)
                amounts.append(line.amount)
                rates.append(Int32(line.taxRate))
                taxes.append(line.taxAmount)
            }
        }
        guard !ids.isEmpty else { return }
        _ = try await conn.query(
            """
            INSERT INTO \(unescaped: table) (tenant_id, \(unescaped: idColumn), line_no, description, charge_code,
                period_start, period_end, quantity, unit_amount, amount, tax_rate, tax_amount)
            SELECT \(tenantID), id, n, d, NULLIF(c, ''), NULLIF(s, '')::date, NULLIF(e, '')::date, q,
                CASE WHEN hu THEN u END, a, r, t
            FROM unnest(\(ids), \(numbers), \(descriptions), \(charges), \(starts), \(ends), \(quantities),
                        \(unitAmounts), \(hasUnit), \(amounts), \(rates), \(taxes))
                AS l(id, n, d, c, s, e, q, u, hu, a, r, t)
            """,
            logger: logger.forQuery
        )
    }
}
