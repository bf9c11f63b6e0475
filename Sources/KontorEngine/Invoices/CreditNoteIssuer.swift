import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// Issues a credit note against a locked invoice: same tax treatment as the invoice, its own
/// gap-free series, reversed ledger postings, `credit_note.created`.
struct CreditNoteIssuer: Sendable {
    let logger: Logger
    let writer: InvoiceWriter
    let invoices: InvoiceRepository
    let ledger: LedgerWriter
    let outbox: EventOutbox
    let allocations: AllocationWriter
    let balances: CustomerBalanceRepository

    init(logger: Logger) {
        self.logger = logger
        self.allocations = AllocationWriter(logger: logger)
        self.balances = CustomerBalanceRepository(logger: logger)
        self.writer = InvoiceWriter(logger: logger)
        self.invoices = InvoiceRepository(logger: logger)
        self.ledger = LedgerWriter(logger: logger)
        self.outbox = EventOutbox(logger: logger)
    }

    /// `invoice` must be locked by the caller (`InvoiceRepository.lock`). Throws a
    /// `ValidationError` on `field` when the credit exceeds what is left to credit.
    func issue(
        against invoice: Invoice, lines: [InvoiceLineDraft], reason: String, memo: String?,
        profile: TenantProfile, now: Date, field: String = "lines", on conn: PostgresConnection
    ) async throws -> CreditNote {
        let treatment = TaxTreatment(code: invoice.taxTreatment) ?? .exempt
        let totals = try InvoiceTotals(lines: lines, treatment: treatment)
        let creditable = invoice.creditable
        guard totals.total > 0 else {
            throw ValidationError(field: field, message: "must credit a positive amount")
        }
        guard totals.total <= creditable else {
            throw ValidationError(
                field: field,
                message:
                    "credit of \(totals.total) exceeds the \(creditable) left to credit on invoice \(invoice.number)"
            )
        }
        let issueDate = LocalDate(instant: now, in: profile.zone)
        let format = (try? InvoiceNumberFormat(profile.creditNoteNumberFormat)) ?? .creditNoteDefault
        let sequence = try await writer.reserveNumbers(
            series: "credit_note", count: 1, tenantID: profile.tenantID, on: conn
        )
        let note = CreditNote(
            id: Identifier.make("cn"), number: format.format(sequence: sequence, issueDate: issueDate),
            invoice: invoice, reason: reason, memo: memo, issueDate: issueDate, totals: totals, issuedAt: now
        )
        try await writer.insert(note, tenantID: profile.tenantID, on: conn)
        try await settle(invoice, with: note, totals: totals, profile: profile, now: now, on: conn)
        try await outbox.append(
            [.creditNote(.creditNoteCreated, CreditNoteJSON(note))], at: now, tenantID: profile.tenantID,
            livemode: profile.livemode, on: conn)
        return note
    }

    /// What the credit note takes off the invoice's open amount; the rest (the invoice was
    /// already paid) becomes customer credit, moved there from the receivable. Booked in the
    /// ledger either way.
    func settle(
        _ invoice: Invoice, with note: CreditNote, totals: InvoiceTotals, profile: TenantProfile, now: Date,
        on conn: PostgresConnection
    ) async throws {
        let allocated = min(note.total, invoice.amountDue)
        let surplus = note.total - allocated
        if allocated > 0 {
            try await allocations.append(
                [
                    AllocationDraft(
                        invoiceID: invoice.id, customerID: invoice.customerID, kind: .creditNote, sourceID: note.id,
                        amount: allocated, currency: invoice.currency)
                ], bookingDate: note.issueDate, tenantID: profile.tenantID, now: now, on: conn)
        }
        if surplus > 0 {
            try await invoices.addCredit(surplus, invoiceID: invoice.id, tenantID: profile.tenantID, on: conn)
            _ = try await balances.adjust(
                customerID: invoice.customerID, by: surplus, tenantID: profile.tenantID, on: conn)
        }
        try await ledger.append(
            [
                LedgerBooking(
                    documentType: "credit_note", documentID: note.id, documentNumber: note.number,
                    customerID: note.customerID, currency: note.currency, bookingDate: note.issueDate,
                    postings: LedgerRules.creditNote(totals)
                        + (surplus > 0 ? LedgerRules.creditNoteSurplus(surplus) : [])
                )
            ],
            tenantID: profile.tenantID, now: now, on: conn
        )
    }
}
