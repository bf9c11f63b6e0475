import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Reads issued invoices and credit notes with their lines.
public struct InvoiceRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    static let invoiceColumns = """
        invoice_id, number, customer_id, subscription_id, billing_reason, billing_date, currency, issue_date,
        due_date, period_start, period_end, subtotal, tax, total, tax_treatment, tax_note, tax_breakdown::text,
        seller_name, seller_address, seller_vat_id, buyer_name, buyer_address, buyer_country, buyer_vat_id,
        collection_method, livemode, issued_at, status, amount_paid, amount_credited, amount_written_off,
        handed_over_at, claim_invoice_id, amount_credited_to_balance
        """

    public func find(_ id: String, tenantID: String, on conn: PostgresConnection) async throws -> Invoice? {
        let rows = try await conn.query(
            "SELECT \(unescaped: Self.invoiceColumns) FROM invoices WHERE tenant_id = \(tenantID) AND invoice_id = \(id)",
            logger: logger.forQuery
        )
        return try await withLines(decodeInvoices(rows), tenantID: tenantID, on: conn).first
    }

    /// Several invoices with their lines, in two queries.
    public func find(ids: [String], tenantID: String, on conn: PostgresConnection) async throws -> [Invoice] {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.invoiceColumns) FROM invoices
            WHERE tenant_id = \(tenantID) AND invoice_id = ANY(\(ids))
            """,
            logger: logger.forQuery
        )
        return try await withLines(decodeInvoices(rows), tenantID: tenantID, on: conn)
    }

    /// Newest first, of the given kinds, optionally of one customer or one subscription.
    public func list(
        tenantID: String, kinds: [DocumentKind] = [.invoice], customerID: String?, subscriptionID: String?,
        limit: Int, startingAfter: String?, on conn: PostgresConnection
    ) async throws -> (invoices: [Invoice], hasMore: Bool) {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.invoiceColumns) FROM invoices
            WHERE tenant_id = \(tenantID) AND kind = ANY(\(kinds.map(\.rawValue)))
              AND (\(customerID)::text IS NULL OR customer_id = \(customerID))
              AND (\(subscriptionID)::text IS NULL OR subscription_id = \(subscriptionID))
              AND (\(startingAfter)::text IS NULL OR seq < (SELECT seq FROM invoices
                   WHERE tenant_id = \(tenantID) AND invoice_id = \(startingAfter)))
            ORDER BY seq DESC LIMIT \(limit + 1)
            """,
            logger: logger.forQuery
        )
        let found = try await decodeInvoices(rows)
        let page = Array(found.prefix(limit))
        return (try await withLines(page, tenantID: tenantID, on: conn), found.count > limit)
    }

    /// The invoice of a subscription's cycle at `billingDate` (what a cancellation credits).
    /// Locked with `forUpdate` (a credit note against it is serialised so).
    public func cycleInvoice(
        subscriptionID: String, billingDate: LocalDate, tenantID: String, forUpdate: Bool = false,
        on conn: PostgresConnection
    ) async throws -> Invoice? {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.invoiceColumns) FROM invoices
            WHERE tenant_id = \(tenantID) AND subscription_id = \(subscriptionID)
              AND billing_reason = 'subscription_cycle' AND billing_date = \(billingDate)
            \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """,
            logger: logger.forQuery
        )
        return try await withLines(decodeInvoices(rows), tenantID: tenantID, on: conn).first
    }

    /// The cycle invoice id of each boundary a subscription was billed at.
    public func cycleInvoiceIDs(subscriptionID: String, tenantID: String, on conn: PostgresConnection) async throws
        -> [LocalDate: String]
    {
        let rows = try await conn.query(
            """
            SELECT billing_date, invoice_id FROM invoices
            WHERE tenant_id = \(tenantID) AND subscription_id = \(subscriptionID)
              AND billing_reason = 'subscription_cycle'
            """,
            logger: logger.forQuery
        )
        var result: [LocalDate: String] = [:]
        for try await (date, id) in rows.decode((LocalDate, String).self) { result[date] = id }
        return result
    }

    public func exists(_ id: String, tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        let rows = try await conn.query(
            "SELECT 1 FROM invoices WHERE tenant_id = \(tenantID) AND invoice_id = \(id)", logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }

    /// Locks the invoice row (credit notes against it are serialised so).
    public func lock(_ id: String, tenantID: String, on conn: PostgresConnection) async throws -> Invoice? {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.invoiceColumns) FROM invoices
            WHERE tenant_id = \(tenantID) AND invoice_id = \(id) FOR UPDATE
            """,
            logger: logger.forQuery
        )
        return try await withLines(decodeInvoices(rows), tenantID: tenantID, on: conn).first
    }

    /// Records credit of a credit note that went to the customer's balance (the invoice owed
    /// nothing any more): it counts against what is left to credit, not as an allocation.
    public func addCredit(_ amount: Int64, invoiceID: String, tenantID: String, on conn: PostgresConnection)
        async throws
    {
        _ = try await conn.query(
            """
            UPDATE invoices SET amount_credited_to_balance = amount_credited_to_balance + \(amount)
            WHERE tenant_id = \(tenantID) AND invoice_id = \(invoiceID)
            """,
            logger: logger.forQuery
        )
    }

    func decodeInvoices(_ rows: PostgresRowSequence) async throws -> [Invoice] {
        var result: [Invoice] = []
        let empty = try InvoiceTotals(lines: [], treatment: .exempt)
        for try await row in rows {
            let r = try row.decode(
                (
                    String, String, String, String?, String, LocalDate?, String, LocalDate, LocalDate, LocalDate?,
                    LocalDate?, Int64, Int64, Int64, String, String?, String, String, String?, String?, String?,
                    String?, String?, String?, String, Bool, Date, String, Int64, Int64, Int64, Date?, String?, Int64
                ).self
            )
            var invoice = Invoice(
                id: r.0, number: r.1, customerID: r.2, subscriptionID: r.3, billingReason: r.4, billingDate: r.5,
                currency: r.6, issueDate: r.7, dueDate: r.8, totals: empty,
                seller: InvoiceParty(name: r.17, address: r.18, country: nil, vatID: r.19),
                buyer: InvoiceParty(name: r.20, address: r.21, country: r.22, vatID: r.23), collectionMethod: r.24,
                livemode: r.25, issuedAt: r.26
            )
            invoice.periodStart = r.9
            invoice.periodEnd = r.10
            invoice.subtotal = r.11
            invoice.tax = r.12
            invoice.total = r.13
            invoice.taxTreatment = r.14
            invoice.taxNote = r.15
            invoice.taxBreakdown = try JSONDecoder().decode([TaxRateTotal].self, from: Data(r.16.utf8))
            invoice.status = try .stored(r.27)
            invoice.amountPaid = r.28
            invoice.amountCredited = r.29
            invoice.amountWrittenOff = r.30
            invoice.handedOverAt = r.31
            invoice.claimInvoiceID = r.32
            invoice.amountCreditedToBalance = r.33
            result.append(invoice)
        }
        return result
    }

    func withLines(_ invoices: [Invoice], tenantID: String, on conn: PostgresConnection) async throws -> [Invoice] {
        guard !invoices.isEmpty else { return [] }
        let lines = try await lines(
            table: "invoice_lines", idColumn: "invoice_id", ids: invoices.map(\.id), tenantID: tenantID, on: conn
        )
        return invoices.map { invoice in
            var invoice = invoice
            invoice.lines = lines[invoice.id] ?? []
            return invoice
        }
    }

    func lines(table: String, idColumn: String, ids: [String], tenantID: String, on conn: PostgresConnection)
        async throws -> [String: [InvoiceLine]]
    {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: idColumn), description, charge_code, period_start, period_end, quantity, unit_amount,
                   amount, tax_rate, tax_amount
            FROM \(unescaped: table) WHERE tenant_id = \(tenantID) AND \(unescaped: idColumn) = ANY(\(ids))
            ORDER BY \(unescaped: idColumn), line_no
            """,
            logger: logger.forQuery
        )
        var result: [String: [InvoiceLine]] = [:]
        for try await r in rows.decode(
            (String, String, String?, LocalDate?, LocalDate?, Int64, Int64?, Int64, Int32, Int64).self
        ) {
            result[r.0, default: []].append(
                InvoiceLine(
                    description: r.1, chargeCode: r.2, periodStart: r.3, periodEnd: r.4, quantity: r.5,
                    unitAmount: r.6, amount: r.7, taxRate: Int(r.8), taxAmount: r.9
                )
            )
        }
        return result
    }

    // MARK: Credit notes

    static let creditNoteColumns = """
        c.credit_note_id, c.number, c.invoice_id, i.number, c.customer_id, c.reason, c.memo, c.currency,
        c.issue_date, c.subtotal, c.tax, c.total, c.tax_treatment, c.tax_note, c.tax_breakdown::text, c.livemode,
        c.issued_at
        """

    public func findCreditNote(_ id: String, tenantID: String, on conn: PostgresConnection) async throws
        -> CreditNote?
    {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.creditNoteColumns)
            FROM credit_notes c JOIN invoices i ON i.tenant_id = c.tenant_id AND i.invoice_id = c.invoice_id
            WHERE c.tenant_id = \(tenantID) AND c.credit_note_id = \(id)
            """,
            logger: logger.forQuery
        )
        return try await creditNotesWithLines(rows, tenantID: tenantID, on: conn).first
    }

    /// Credit notes by id, in one query (with their lines in one more).
    public func findCreditNotes(ids: [String], tenantID: String, on conn: PostgresConnection) async throws
        -> [CreditNote]
    {
        guard !ids.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.creditNoteColumns)
            FROM credit_notes c JOIN invoices i ON i.tenant_id = c.tenant_id AND i.invoice_id = c.invoice_id
            WHERE c.tenant_id = \(tenantID) AND c.credit_note_id = ANY(\(ids))
            """,
            logger: logger.forQuery
        )
        return try await creditNotesWithLines(rows, tenantID: tenantID, on: conn)
    }

    public func listCreditNotes(
        tenantID: String, invoiceID: String?, limit: Int, startingAfter: String?, on conn: PostgresConnection
    ) async throws -> (creditNotes: [CreditNote], hasMore: Bool) {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.creditNoteColumns)
            FROM credit_notes c JOIN invoices i ON i.tenant_id = c.tenant_id AND i.invoice_id = c.invoice_id
            WHERE c.tenant_id = \(tenantID)
              AND (\(invoiceID)::text IS NULL OR c.invoice_id = \(invoiceID))
              AND (\(startingAfter)::text IS NULL OR c.seq < (SELECT seq FROM credit_notes
                   WHERE tenant_id = \(tenantID) AND credit_note_id = \(startingAfter)))
            ORDER BY c.seq DESC LIMIT \(limit + 1)
            """,
            logger: logger.forQuery
        )
        let found = try await creditNotesWithLines(rows, tenantID: tenantID, on: conn)
        return (Array(found.prefix(limit)), found.count > limit)
    }

    func creditNotesWithLines(_ rows: PostgresRowSequence, tenantID: String, on conn: PostgresConnection)
        async throws -> [CreditNote]
    {
        var notes: [CreditNote] = []
        let empty = try InvoiceTotals(lines: [], treatment: .exempt)
        for try await row in rows {
            let r = try row.decode(
                (
                    String, String, String, String, String, String, String?, String, LocalDate, Int64, Int64, Int64,
                    String, String?, String, Bool, Date
                ).self
            )
            let stub = Invoice(
                id: r.2, number: r.3, customerID: r.4, subscriptionID: nil, billingReason: "", billingDate: nil,
                currency: r.7, issueDate: r.8, dueDate: r.8, totals: empty,
                seller: InvoiceParty(name: nil, address: nil, country: nil, vatID: nil),
                buyer: InvoiceParty(name: nil, address: nil, country: nil, vatID: nil), collectionMethod: "",
                livemode: r.15, issuedAt: r.16
            )
            var note = CreditNote(
                id: r.0, number: r.1, invoice: stub, reason: r.5, memo: r.6, issueDate: r.8, totals: empty,
                issuedAt: r.16
            )
            note.subtotal = r.9
            note.tax = r.10
            note.total = r.11
            note.taxTreatment = r.12
            note.taxNote = r.13
            note.taxBreakdown = try JSONDecoder().decode([TaxRateTotal].self, from: Data(r.14.utf8))
            notes.append(note)
        }
        guard !notes.isEmpty else { return [] }
        let lines = try await lines(
            table: "credit_note_lines", idColumn: "credit_note_id", ids: notes.map(\.id), tenantID: tenantID, on: conn
        )
        return notes.map { note in
            var note = note
            note.lines = lines[note.id] ?? []
            return note
        }
    }
}
