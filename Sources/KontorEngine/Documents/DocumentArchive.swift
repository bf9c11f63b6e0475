import Foundation
import KontorCore
import KontorDocuments
import KontorStore
import PostgresNIO
import ServiceLifecycle

/// The document worker: reads each tenant's outbox after its cursor (`invoice.finalized`,
/// `credit_note.created`, `dunning.level_reached`), renders each issued document once in every
/// format (CII, UBL when XRechnung-complete, the PDF; a notice as PDF), archives it and
/// announces `document.created` — within seconds of the issue, never inside the issuing
/// transaction. Any number of nodes may run it: a tenant's cursor is locked with
/// `SKIP LOCKED`, and a document already archived is kept as it is.
///
/// A document whose seller lacks what a valid e-invoice needs is passed over (the cursor moves
/// on); it is rendered and archived when first asked for, once the details are set.
public struct DocumentArchive: Sendable {
    let database: Database
    let tenants: TenantRepository
    let documents: DocumentRepository
    let invoices: InvoiceRepository
    let buyers: BuyerDirectory
    let dunning: DunningRepository
    let customers: CustomerRepository
    let outbox: EventOutbox
    let portals: PortalLinks
    let batchSize: Int

    /// `portalURL`: where debtors reach the portal (each letter prints the customer's link).
    public init(database: Database, portalURL: String = "http://127.0.0.1:8080", batchSize: Int = 250) {
        self.portals = PortalLinks(logger: database.logger, baseURL: portalURL)
        self.database = database
        self.tenants = TenantRepository(database: database)
        self.documents = DocumentRepository(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.buyers = BuyerDirectory(logger: database.logger)
        self.dunning = DunningRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
        self.batchSize = batchSize
    }

    /// Archives what every tenant (or `tenantID`) issued since the last run; returns how many
    /// issued documents were read.
    @discardableResult
    public func run(now: Date, tenantID: String? = nil) async throws -> Int {
        var total = 0
        let ids = try await database.withConnection {
            try await documents.tenantsWithPending(tenantID: tenantID, on: $0)
        }
        for id in ids {
            while !Task.isShuttingDownGracefully {
                let read = try await database.transaction { try await batch(tenantID: id, now: now, on: $0) }
                total += read
                if read < batchSize { break }
            }
        }
        return total
    }

    /// One batch of one tenant, in one transaction: read, render, archive, announce, advance.
    func batch(tenantID: String, now: Date, on conn: PostgresConnection) async throws -> Int {
        guard let cursor = try await documents.lockCursor(tenantID: tenantID, on: conn) else { return 0 }
        let pending = try await documents.pending(tenantID: tenantID, after: cursor, limit: batchSize, on: conn)
        guard let last = pending.last else { return 0 }
        let profile = try await tenants.profile(tenantID, on: conn)
        var stored: [ArchivedDocument] = []
        try await render(pending, profile: profile, now: now, on: conn) { rendered in
            let ids = Set(try await documents.insert(rendered, tenantID: tenantID, on: conn))
            stored += rendered.filter { ids.contains($0.id) }
        }
        try await outbox.append(
            stored.map { .document(.documentCreated, DocumentJSON($0)) }, at: now, tenantID: tenantID,
            livemode: profile.livemode, on: conn)
        try await documents.advance(tenantID: tenantID, to: last.seq, on: conn)
        return pending.count
    }

    /// The documents of the pending sources — invoices, credit notes (with their invoices),
    /// notices and customers read in one query each — handed to `store` a part at a time while
    /// the next part renders.
    func render(
        _ pending: [DocumentRepository.Pending], profile: TenantProfile, now: Date, on conn: PostgresConnection,
        store: ([ArchivedDocument]) async throws -> Void
    ) async throws {
        let tenantID = profile.tenantID
        let notes = try await invoices.findCreditNotes(
            ids: pending.filter { $0.source == .creditNote }.map(\.sourceID), tenantID: tenantID, on: conn)
        let invoiceIDs = pending.filter { $0.source == .invoice }.map(\.sourceID) + notes.map(\.invoiceID)
        let byID = Dictionary(
            try await invoices.find(ids: Array(Set(invoiceIDs)), tenantID: tenantID, on: conn).map { ($0.id, $0) },
            uniquingKeysWith: { a, _ in a })
        let directory = try await buyers.details(for: Array(byID.values), profile: profile, on: conn)
        let credit = try await documents.creditAppliedAtIssue(
            invoiceIDs: pending.filter { $0.source == .invoice }.map(\.sourceID), tenantID: tenantID, on: conn)
        func buyer(_ invoice: Invoice) -> BuyerDetails { BuyerDirectory.buyer(of: invoice, in: directory) }
        func language(_ invoice: Invoice) -> DocumentLanguage { DocumentLanguage(locale: buyer(invoice).locale) }
        let portal = try await portals.urls(
            for: byID.values.map(\.customerID), tenantID: tenantID, now: now, on: conn)
        var work: [RenderJob] = []
        for p in pending where p.source == .invoice {
            guard let invoice = byID[p.sourceID], invoice.kind == .invoice,
                let seller = try? DocumentService.seller(invoice, profile)
            else { continue }
            let e = EInvoice(invoice: invoice, seller: seller, buyer: buyer(invoice), prepaid: credit[invoice.id] ?? 0)
            work.append(
                RenderJob(
                    invoice: e, source: .invoice, sourceID: invoice.id, language: language(invoice),
                    portal: portal[invoice.customerID]))
        }
        for note in notes {
            guard let invoice = byID[note.invoiceID], let seller = try? DocumentService.seller(invoice, profile)
            else { continue }
            work.append(
                RenderJob(
                    invoice: EInvoice(creditNote: note, of: invoice, seller: seller, buyer: buyer(invoice)),
                    source: .creditNote, sourceID: note.id, language: language(invoice),
                    portal: portal[invoice.customerID]))
        }
        let noticeIDs = pending.filter { $0.source == .dunningNotice }.map(\.sourceID)
        guard !work.isEmpty || !noticeIDs.isEmpty else { return }
        let letterhead = Letterhead(profile: profile, logo: try await tenants.logo(tenantID, on: conn))
        try await DocumentRenderer.render(work, letterhead: letterhead, now: now, store: store)
        if !noticeIDs.isEmpty, let seller = try? LetterSources.seller(profile) {
            let notices = try await dunning.notices(ids: noticeIDs, tenantID: tenantID, on: conn)
            let noticePortal = try await portals.urls(
                for: notices.map(\.customerID), tenantID: tenantID, now: now, on: conn)
            let addressees = Dictionary(
                try await customers.find(ids: Array(Set(notices.map(\.customerID))), tenantID: tenantID, on: conn).map {
                    ($0.id, $0)
                }, uniquingKeysWith: { a, _ in a })
            try await store(
                notices.map {
                    LetterSources.noticePDF(
                        $0, customer: addressees[$0.customerID], seller: seller, profile: profile,
                        letterhead: letterhead, portal: noticePortal[$0.customerID], now: now)
                })
        }
    }
}
