import Crypto
import Foundation
import KontorCore
import KontorDocuments
import KontorStore

/// `GET /v1/customers/{id}/statement`: the customer's open items on a day.
public struct CustomerStatementJSON: Codable, Sendable, Equatable {
    public struct ItemJSON: Codable, Sendable, Equatable {
        public var invoice: String
        public var number: String
        public var issueDate: String
        public var dueDate: String
        public var currency: String
        public var total: Int64
        public var open: Int64
        public var daysPastDue: Int
    }

    public struct TotalJSON: Codable, Sendable, Equatable {
        public var currency: String
        public var openTotal: Int64
        public var overdueTotal: Int64
    }

    public var object = "customer_statement"
    public var customer: String
    public var asOf: String
    public var totals: [TotalJSON]
    public var items: [ItemJSON]
}

/// Dunning notices and statements as PDF/A-3 letters, archived like invoices: rendered once,
/// served as stored. A notice is rendered when first asked for (it never changes after it was
/// sent). A statement is archived under what it shows — the customer, the day and a hash of its
/// items — so asking again gives the same file until a payment or a new invoice changes it.
extension DocumentService {
    public func noticePDF(noticeID: String, tenant: Tenant) async throws -> ArchivedDocument {
        guard Identifier.looksValid(noticeID, prefix: "dn") else {
            throw EngineError.notFound(resource: "dunning_notice", id: noticeID)
        }
        return try await archived(.dunningNotice, noticeID, .pdf, tenant) { op in
            guard
                let notice = try await dunning.notices(
                    customerID: nil, noticeID: noticeID, tenantID: tenant.id, on: op.connection
                ).first
            else { throw EngineError.notFound(resource: "dunning_notice", id: noticeID) }
            let profile = try await op.profile()
            let customer = try await customers.find(notice.customerID, tenant: tenant, on: op.connection)
            return [
                LetterSources.noticePDF(
                    notice, customer: customer, seller: try LetterSources.seller(profile), profile: profile,
                    letterhead: try await letterhead(op), portal: try await portal(notice.customerID, op), now: op.now)
            ]
        }
    }

    public func statement(customerID: String, asOf: LocalDate?, tenant: Tenant) async throws -> CustomerStatementJSON {
        try await operations.read(tenant) { op in try await statement(customerID, asOf, op) }
    }

    /// The statement as a PDF in one currency (`currency`, else the customer's, else the first
    /// with open items).
    public func statementPDF(customerID: String, asOf: LocalDate?, currency: String?, tenant: Tenant) async throws
        -> ArchivedDocument
    {
        let json = try await statement(customerID: customerID, asOf: asOf, tenant: tenant)
        let preferred = try await operations.read(tenant) { op in
            try await customers.find(customerID, tenant: tenant, on: op.connection)?.fields.currency?.code
        }
        let code = currency?.uppercased() ?? preferred ?? json.totals.first?.currency ?? "EUR"
        guard let unit = Currency(code: code) else {
            throw ValidationError([FieldError(field: "currency", message: "is not an ISO 4217 currency")])
        }
        let items = json.items.filter { $0.currency == unit.code }
        var hash = SHA256()
        hash.update(data: try KontorJSON.encode(items))
        let sourceID = "\(customerID):\(json.asOf):\(unit.code):" + DocumentRenderer.hex(hash.finalize()).prefix(16)
        return try await archived(.statement, sourceID, .pdf, tenant) { op in
            let (seller, buyer, language) = try await parties(customerID: customerID, op)
            let day = LocalDate(json.asOf)!
            let document = StatementDocument(
                customerReference: customerID, asOf: day, currency: unit,
                items: items.compactMap { i in
                    guard let issued = LocalDate(i.issueDate), let due = LocalDate(i.dueDate) else { return nil }
                    return StatementDocument.Item(
                        number: i.number, issueDate: issued, dueDate: due, total: i.total, open: i.open,
                        daysPastDue: i.daysPastDue)
                })
            let letter = StatementLetter.letter(document, seller: seller, buyer: buyer, language: language)
            let bytes = DocumentRenderer.pdf.letter(letter, date: day, logo: try await letterhead(op).logo)
            return [DocumentRenderer.archived(bytes, source: .statement, sourceID: sourceID, format: .pdf, now: op.now)]
        }
    }

    func statement(_ customerID: String, _ asOf: LocalDate?, _ op: OperationContext) async throws
        -> CustomerStatementJSON
    {
        guard try await customers.exists(customerID, tenant: op.tenant, on: op.connection) else {
            throw EngineError.notFound(resource: "customer", id: customerID)
        }
        let day = try await asOf.orAsync { try await op.today() }
        var items: [CustomerStatementJSON.ItemJSON] = []
        try await openItems.asOf(day, tenantID: op.tenant.id, customerID: customerID, on: op.connection) { row in
            let i = row.item
            items.append(
                .init(
                    invoice: i.id, number: i.number, issueDate: i.issueDate.description, dueDate: i.dueDate.description,
                    currency: i.currency, total: i.total, open: i.open, daysPastDue: max(0, i.daysPastDue(on: day))))
        }
        let totals = Dictionary(grouping: items, by: \.currency).sorted { $0.key < $1.key }.map { currency, list in
            CustomerStatementJSON.TotalJSON(
                currency: currency, openTotal: list.reduce(0) { $0 + $1.open },
                overdueTotal: list.filter { $0.daysPastDue > 0 }.reduce(0) { $0 + $1.open })
        }
        return CustomerStatementJSON(customer: customerID, asOf: day.description, totals: totals, items: items)
    }

    /// The tenant as seller (its current details), the customer as addressee, and the
    /// customer's language.
    func parties(customerID: String, _ op: OperationContext) async throws -> (
        DocumentSeller, EInvoice.Party, DocumentLanguage
    ) {
        let profile = try await op.profile()
        guard let customer = try await customers.find(customerID, tenant: op.tenant, on: op.connection) else {
            throw EngineError.notFound(resource: "customer", id: customerID)
        }
        return (
            try LetterSources.seller(profile), LetterSources.buyer(customer, homeCountry: profile.homeCountry),
            LetterSources.language(customer)
        )
    }
}
