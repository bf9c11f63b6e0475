import Foundation
import KontorCore
import KontorDocuments
import KontorStore

/// E-invoices (EN 16931) of issued invoices and credit notes, in either syntax. The seller as
/// the document was issued (name, address, VAT ID: the invoice's snapshot) plus the tenant's
/// document details (tax number, contact, bank account); the buyer as issued, with the
/// customer's e-mail as electronic address.
///
/// Rendered on request from stored rows, deterministically: the same invoice and details give
/// the same bytes. (Archiving each document once, with its hash, is the next step.)
public struct DocumentService: Sendable {
    public enum Syntax: String, Sendable, CaseIterable {
        /// UN/CEFACT CII, Factur-X / ZUGFeRD EN 16931.
        case cii
        /// UBL 2.1, XRechnung 3.0.
        case ubl
    }

    let operations: OperationRunner
    let invoices: InvoiceRepository
    let customers: CustomerRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.invoices = InvoiceRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
    }

    public func einvoice(invoiceID: String, syntax: Syntax, tenant: Tenant) async throws -> String {
        try await operations.read(tenant) { op in
            let invoice = try await issued(invoiceID, op)
            let seller = try await Self.seller(invoice, try await op.profile())
            return Self.xml(EInvoice(invoice: invoice, seller: seller, buyer: try await buyer(invoice, op)), syntax)
        }
    }

    public func einvoice(creditNoteID: String, syntax: Syntax, tenant: Tenant) async throws -> String {
        try await operations.read(tenant) { op in
            guard Identifier.looksValid(creditNoteID, prefix: "cn"),
                let note = try await invoices.findCreditNote(creditNoteID, tenantID: tenant.id, on: op.connection),
                let invoice = try await invoices.find(note.invoiceID, tenantID: tenant.id, on: op.connection)
            else { throw EngineError.notFound(resource: "credit_note", id: creditNoteID) }
            let seller = try await Self.seller(invoice, try await op.profile())
            let e = EInvoice(creditNote: note, of: invoice, seller: seller, buyer: try await buyer(invoice, op))
            return Self.xml(e, syntax)
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
        let customer = try await customers.find(invoice.customerID, tenant: op.tenant, on: op.connection)
        return BuyerDetails(electronicAddress: customer?.fields.email?.value)
    }

    /// The seller as the invoice names it, with the tenant's current document details; a
    /// seller a valid document cannot be made for is a 409 naming what to set.
    static func seller(_ invoice: Invoice, _ profile: TenantProfile) async throws -> SellerDetails {
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

    static func xml(_ e: EInvoice, _ syntax: Syntax) -> String {
        switch syntax {
        case .cii: CIIWriter.xml(e)
        case .ubl: UBLWriter.xml(e)
        }
    }
}
