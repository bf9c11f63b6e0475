import Foundation
import KontorCore
import KontorDocuments
import KontorStore

/// E-invoices (EN 16931) and PDFs of issued invoices and credit notes, served from the archive: as the
/// document worker stored them right after the issue, with their SHA-256. A document not yet
/// archived (the worker has not reached it, or the seller's details were incomplete then) is
/// rendered now and archived in the same step — so each is rendered once, and served as stored
/// ever after, whatever changes later.
///
/// The seller is the one the invoice was issued by (name, address, VAT ID: the invoice's
/// snapshot) with the tenant's document details; the buyer as issued, with the customer's
/// e-mail as electronic address.
public struct DocumentService: Sendable {
    public typealias Syntax = ArchivedDocument.Format

    let operations: OperationRunner
    let invoices: InvoiceRepository
    let buyers: BuyerDirectory
    let documents: DocumentRepository
    let tenants: TenantRepository
    let customers: CustomerRepository
    let dunning: DunningRepository
    let openItems: OpenItemRepository
    let portals: PortalLinks

    init(database: Database, operations: OperationRunner, portalURL: String = "http://127.0.0.1:8080") {
        self.portals = PortalLinks(logger: database.logger, baseURL: portalURL)
        self.operations = operations
        self.invoices = InvoiceRepository(logger: database.logger)
        self.buyers = BuyerDirectory(logger: database.logger)
        self.documents = DocumentRepository(logger: database.logger)
        self.tenants = TenantRepository(database: database)
        self.customers = CustomerRepository(logger: database.logger)
        self.dunning = DunningRepository(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
    }

    /// The customer's portal link as letters print it (made now when the customer has none).
    func portal(_ customerID: String, _ op: OperationContext) async throws -> String? {
        try await portals.urls(for: [customerID], tenantID: op.tenant.id, now: op.now, on: op.connection)[customerID]
    }

    /// What a batch of letters carries from the tenant: footer, logo, creditor id.
    func letterhead(_ op: OperationContext) async throws -> Letterhead {
        Letterhead(profile: try await op.profile(), logo: try await tenants.logo(op.tenant.id, on: op.connection))
    }

    /// An invoice's archived document in `syntax` (`cii`, `ubl` or `pdf`).
    public func einvoice(invoiceID: String, syntax: Syntax, tenant: Tenant) async throws -> ArchivedDocument {
        try await archived(.invoice, invoiceID, syntax, tenant) { op in
            let invoice = try await issued(invoiceID, op)
            let seller = try Self.seller(invoice, try await op.profile())
            let credit = try await documents.creditAppliedAtIssue(
                invoiceIDs: [invoice.id], tenantID: tenant.id, on: op.connection)
            let e = EInvoice(
                invoice: invoice, seller: seller, buyer: try await buyer(invoice, op), prepaid: credit[invoice.id] ?? 0)
            try Self.requireXRechnung(e, for: syntax)
            let job = RenderJob(
                invoice: e, source: .invoice, sourceID: invoice.id,
                language: DocumentLanguage(locale: try await buyer(invoice, op).locale),
                portal: try await portal(invoice.customerID, op))
            return DocumentRenderer.documents(of: job, letterhead: try await letterhead(op), now: op.now)
        }
    }

    public func einvoice(creditNoteID: String, syntax: Syntax, tenant: Tenant) async throws -> ArchivedDocument {
        guard Identifier.looksValid(creditNoteID, prefix: "cn") else {
            throw EngineError.notFound(resource: "credit_note", id: creditNoteID)
        }
        return try await archived(.creditNote, creditNoteID, syntax, tenant) { op in
            guard let note = try await invoices.findCreditNote(creditNoteID, tenantID: tenant.id, on: op.connection),
                let invoice = try await invoices.find(note.invoiceID, tenantID: tenant.id, on: op.connection)
            else { throw EngineError.notFound(resource: "credit_note", id: creditNoteID) }
            let seller = try Self.seller(invoice, try await op.profile())
            let details = try await buyer(invoice, op)
            let e = EInvoice(creditNote: note, of: invoice, seller: seller, buyer: details)
            try Self.requireXRechnung(e, for: syntax)
            let job = RenderJob(
                invoice: e, source: .creditNote, sourceID: note.id, language: DocumentLanguage(locale: details.locale),
                portal: try await portal(invoice.customerID, op))
            return DocumentRenderer.documents(of: job, letterhead: try await letterhead(op), now: op.now)
        }
    }

    /// The stored document; else `render` archives every format now (a racing worker or
    /// request that stored first wins: its bytes are the ones served).
    func archived(
        _ source: ArchivedDocument.Source, _ id: String, _ format: Syntax, _ tenant: Tenant,
        render: @escaping (OperationContext) async throws -> [ArchivedDocument]
    ) async throws -> ArchivedDocument {
        let find = { (op: OperationContext) in
            try await documents.find(
                source: source, sourceID: id, format: format, tenantID: tenant.id, on: op.connection)
        }
        if let stored = try await operations.read(tenant, find) { return stored }
        return try await operations.run(tenant) { op in
            let rendered = try await render(op)
            let stored = Set(try await documents.insert(rendered, tenantID: tenant.id, on: op.connection))
            for d in rendered where stored.contains(d.id) { op.record(.document(.documentCreated, DocumentJSON(d))) }
            guard let document = try await find(op) else {
                throw EngineError.notFound(resource: source.rawValue, id: id)
            }
            return document
        }
    }

    /// A UBL document claims XRechnung: one whose data falls short of it is a 409 naming what
    /// to set, never a document that says more than it is.
    static func requireXRechnung(_ e: EInvoice, for format: Syntax) throws {
        guard format == .ubl else { return }
        let gaps = e.xrechnungGaps
        guard gaps.isEmpty else {
            throw EngineError.conflict(
                "An XRechnung (syntax=ubl) needs \(gaps.joined(separator: ", ")): set the tenant's with PATCH /v1/tenant, the customer's on the customer; syntax=cii needs none of them"
            )
        }
    }

    func issued(_ id: String, _ op: OperationContext) async throws -> Invoice {
        if Identifier.looksValid(id, prefix: "fee") {
            throw EngineError.conflict(
                "\(id) is a fee item: damages, not a supply (§ 14 UStG), so it has no e-invoice; it is listed on dunning notices and statements"
            )
        }
        guard Identifier.looksValid(id, prefix: "inv"),
            let invoice = try await invoices.find(id, tenantID: op.tenant.id, on: op.connection)
        else { throw EngineError.notFound(resource: "invoice", id: id) }
        return invoice
    }

    func buyer(_ invoice: Invoice, _ op: OperationContext) async throws -> BuyerDetails {
        let directory = try await buyers.details(for: [invoice], profile: try await op.profile(), on: op.connection)
        return BuyerDirectory.buyer(of: invoice, in: directory)
    }

    /// The seller as the invoice names it, with the tenant's current document details; a
    /// seller a valid document cannot be made for is a 409 naming what to set.
    static func seller(_ invoice: Invoice, _ profile: TenantProfile) throws -> SellerDetails {
        let d = profile.documents
        let seller = SellerDetails(
            name: invoice.seller.name, address: invoice.seller.address,
            country: invoice.seller.country ?? profile.homeCountry, vatID: invoice.seller.vatID,
            taxNumber: d.taxNumber, contactName: d.contactName, phone: d.contactPhone, email: d.contactEmail,
            electronicAddress: d.electronicAddress, iban: d.bankIBAN, bic: d.bankBIC, creditorID: d.sepaCreditorID)
        let missing = seller.missingFields
        guard missing.isEmpty else {
            throw EngineError.conflict(
                "The seller details lack \(missing.joined(separator: ", ")) for a valid e-invoice; set them with PATCH /v1/tenant (an invoice issued before keeps the name and address it was issued with)"
            )
        }
        return seller
    }

}
