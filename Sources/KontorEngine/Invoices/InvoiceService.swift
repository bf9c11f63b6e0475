import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// One line of a one-off invoice as the client sends it.
public struct OneOffLineInput: Sendable {
    public var description: String?
    public var quantity: Int64?
    public var unitAmount: Int64?

    public init() {}
}

public struct OneOffInvoiceInput: Sendable {
    public var customer: String?
    public var currency: String?
    public var lines: [OneOffLineInput]?
    public var collectionMethod: String?
    public var paymentTermsDays: Int64?
    public var taxCategory: String?

    public init() {}
}

/// A credit note as the client asks for it: no lines credits the invoice in full.
public struct CreditNoteInput: Sendable {
    public var reason: String?
    public var memo: String?
    /// Net amounts to credit, each with a description.
    public var lines: [(description: String?, amount: Int64?)]?

    public init() {}
}

/// Invoices and credit notes: read, one-off charges, corrections.
public struct InvoiceService: Sendable {
    /// The largest amount one line of a one-off invoice may have (10^11 in a two-decimal currency).
    static let maxLineAmount: Int64 = 10_000_000_000_000

    let database: Database
    let operations: OperationRunner
    let invoices: InvoiceRepository
    let customers: CustomerRepository
    let issuer: InvoiceIssuer
    let creditNotes: CreditNoteIssuer

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.operations = operations
        self.invoices = InvoiceRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
        self.issuer = InvoiceIssuer(logger: database.logger)
        self.creditNotes = CreditNoteIssuer(logger: database.logger)
    }

    /// An invoice (`inv_…`) or, with `kind: .feeItem`, a fee item (`fee_…`): each only by its own
    /// endpoint, so fee items stay out of the invoices a client reads as supplies.
    public func get(_ id: String, kind: DocumentKind = .invoice, tenant: Tenant) async throws -> Invoice {
        let resource = kind == .invoice ? "invoice" : "fee item"
        guard Identifier.looksValid(id, prefix: kind.idPrefix),
            let invoice = try await database.withConnection({ try await invoices.find(id, tenantID: tenant.id, on: $0) }
            ), invoice.kind == kind
        else { throw EngineError.notFound(resource: resource, id: id) }
        return invoice
    }

    public func list(
        tenant: Tenant, kinds: [DocumentKind] = [.invoice], customerID: String?, subscriptionID: String?, limit: Int,
        startingAfter: String?
    ) async throws -> (invoices: [Invoice], hasMore: Bool) {
        if let startingAfter, !kinds.contains(where: { Identifier.looksValid(startingAfter, prefix: $0.idPrefix) }) {
            throw ValidationError(field: "starting_after", message: "is not an id of this list")
        }
        return try await database.withConnection { conn in
            try await invoices.list(
                tenantID: tenant.id, kinds: kinds, customerID: customerID, subscriptionID: subscriptionID,
                limit: limit, startingAfter: startingAfter, on: conn
            )
        }
    }

    /// A one-off charge, finalized at once, and charged after the commit when the invoice says
    /// `charge_automatically` (a failure there is retried by the collection worker).
    public func createOneOff(_ input: OneOffInvoiceInput, tenant: Tenant, idempotency: Idempotency<Invoice>?)
        async throws -> OperationOutcome<Invoice>
    {
        try await operations.run(tenant, idempotency: idempotency) { op in
            let conn = op.connection
            var errors: [FieldError] = []
            let customer = try await input.customer.asyncFlatMap { id in
                Identifier.looksValid(id, prefix: "cus") ? try await customers.find(id, tenant: tenant, on: conn) : nil
            }
            if customer == nil {
                errors.append(
                    FieldError(
                        field: "customer",
                        message: input.customer == nil ? "is required" : "is not a customer of this account")
                )
            }
            let currency = (input.currency.flatMap { Currency(code: $0) }) ?? customer?.fields.currency
            if currency == nil {
                errors.append(
                    FieldError(field: "currency", message: "must be an ISO 4217 code (or set on the customer)"))
            }
            let category = input.taxCategory.map { TaxCategory(rawValue: $0) } ?? .standard
            if category == nil {
                errors.append(FieldError(field: "tax_category", message: "must be standard or reduced"))
            }
            let method = input.collectionMethod.map { CollectionMethod(rawValue: $0) } ?? .sendInvoice
            if method == nil {
                errors.append(
                    FieldError(field: "collection_method", message: "must be charge_automatically or send_invoice"))
            }
            let profile = try await op.profile()
            let terms = input.paymentTermsDays ?? Int64(profile.paymentTermsDays)
            if !(0...365).contains(terms) {
                errors.append(FieldError(field: "payment_terms_days", message: "must be from 0 to 365"))
            }
            let drafts = Self.lines(input.lines ?? [], errors: &errors)
            guard errors.isEmpty, let customer, let currency, let category, let method else {
                throw ValidationError(errors)
            }
            let issued = try await issuer.issue(
                [
                    InvoiceRequest(
                        customerID: customer.id, subscriptionID: nil, billingReason: "manual", billingDate: nil,
                        currency: currency, lines: drafts, buyer: BuyerSnapshot(customer), taxCategory: category,
                        collectionMethod: method, paymentTermsDays: Int(terms)
                    )
                ],
                profile: profile, now: op.now, on: conn
            )
            op.invoicesIssued()
            return issued[0]
        }
    }

    /// The lines of a one-off invoice, each bound checked (description, quantity, unit amount
    /// and their product); what is wrong is added to `errors`, naming the line.
    static func lines(_ lines: [OneOffLineInput], errors: inout [FieldError]) -> [InvoiceLineDraft] {
        var drafts: [InvoiceLineDraft] = []
        if lines.isEmpty || lines.count > 500 {
            errors.append(FieldError(field: "lines", message: "must have 1 to 500 lines"))
        }
        for (i, line) in lines.enumerated() {
            let description = line.description?.trimmingWhitespace() ?? ""
            if description.isEmpty || description.count > 500 {
                errors.append(FieldError(field: "lines[\(i)].description", message: "must be 1 to 500 characters"))
            }
            let quantity = line.quantity ?? 1
            if quantity < 1 || quantity > 1_000_000_000 {
                errors.append(FieldError(field: "lines[\(i)].quantity", message: "must be from 1 to 10^9"))
            }
            guard let unit = line.unitAmount, unit >= 0, unit <= 1_000_000_000_000 else {
                errors.append(
                    FieldError(
                        field: "lines[\(i)].unit_amount", message: "must be an amount in minor units, 0 to 10^12")
                )
                continue
            }
            // Each factor has its own bound, their product too: 10^9 × 10^12 does not fit an
            // Int64, and a line above 10^13 makes the invoice's sums unsafe (500 lines).
            let (amount, overflow) = unit.multipliedReportingOverflow(by: quantity)
            guard (1...1_000_000_000).contains(quantity), !overflow, amount <= Self.maxLineAmount else {
                if (1...1_000_000_000).contains(quantity) {
                    errors.append(
                        FieldError(
                            field: "lines[\(i)]",
                            message: "unit_amount × quantity must be at most 10^13 minor units"))
                }
                continue
            }
            drafts.append(
                InvoiceLineDraft(description: description, quantity: quantity, unitAmount: unit, amount: amount)
            )
        }
        return drafts
    }

    /// A credit note against an invoice: in full (no lines), or the given net amounts.
    public func createCreditNote(
        invoiceID: String, _ input: CreditNoteInput, tenant: Tenant, idempotency: Idempotency<CreditNote>?
    ) async throws -> OperationOutcome<CreditNote> {
        guard Identifier.looksValid(invoiceID, prefix: "inv") else {
            throw EngineError.notFound(resource: "invoice", id: invoiceID)
        }
        return try await operations.run(tenant, idempotency: idempotency) { op in
            let conn = op.connection
            guard let invoice = try await invoices.lock(invoiceID, tenantID: tenant.id, on: conn) else {
                throw EngineError.notFound(resource: "invoice", id: invoiceID)
            }
            let (reason, drafts) = try Self.creditLines(input, against: invoice)
            let note = try await creditNotes.issue(
                against: invoice, lines: drafts, reason: reason, memo: input.memo, profile: try await op.profile(),
                now: op.now, on: conn
            )
            // The credit may have settled what was overdue: dunning looks again now, not tomorrow.
            op.openItemsMoved(for: [invoice.customerID])
            return note
        }
    }

    /// The reason and lines of a credit note against `invoice`: the input's net amounts, each
    /// at most the invoice's net, or without lines the whole invoice (only if nothing of it was
    /// credited yet). Every bad field is named at once.
    static func creditLines(_ input: CreditNoteInput, against invoice: Invoice) throws
        -> (reason: String, lines: [InvoiceLineDraft])
    {
        var errors: [FieldError] = []
        let reason = input.reason ?? "other"
        let reasons = ["duplicate", "fraudulent", "order_change", "product_unsatisfactory", "other"]
        if !reasons.contains(reason) {
            errors.append(FieldError(field: "reason", message: "must be one of \(reasons.joined(separator: ", "))"))
        }
        guard let lines = input.lines else {
            if invoice.amountCredited + invoice.amountCreditedToBalance != 0 {
                errors.append(
                    FieldError(
                        field: "lines", message: "are required: invoice \(invoice.number) is already partly credited"))
            }
            guard errors.isEmpty else { throw ValidationError(errors) }
            return (
                reason,
                invoice.lines.map { line in
                    InvoiceLineDraft(
                        description: line.description, chargeCode: line.chargeCode,
                        period: line.periodStart.flatMap { s in line.periodEnd.map { BillingPeriod(start: s, end: $0) }
                        },
                        quantity: line.quantity, unitAmount: line.unitAmount, amount: line.amount)
                }
            )
        }
        if lines.isEmpty {
            errors.append(FieldError(field: "lines", message: "must not be empty (omit it to credit in full)"))
        }
        var drafts: [InvoiceLineDraft] = []
        for (i, line) in lines.enumerated() {
            let description = line.description?.trimmingWhitespace() ?? ""
            if description.isEmpty {
                errors.append(FieldError(field: "lines[\(i)].description", message: "is required"))
            }
            // A credit never exceeds the invoice: bounding each line by its net keeps the tax
            // arithmetic far from overflow.
            guard let amount = line.amount, amount > 0, amount <= max(invoice.subtotal, 0) else {
                errors.append(
                    FieldError(
                        field: "lines[\(i)].amount",
                        message: "must be a positive net amount in minor units, at most the invoice's net"))
                continue
            }
            drafts.append(InvoiceLineDraft(description: description, amount: amount))
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return (reason, drafts)
    }

    public func getCreditNote(_ id: String, tenant: Tenant) async throws -> CreditNote {
        guard Identifier.looksValid(id, prefix: "cn"),
            let note = try await database.withConnection({
                try await invoices.findCreditNote(id, tenantID: tenant.id, on: $0)
            })
        else { throw EngineError.notFound(resource: "credit_note", id: id) }
        return note
    }

    public func listCreditNotes(tenant: Tenant, invoiceID: String?, limit: Int, startingAfter: String?) async throws
        -> (creditNotes: [CreditNote], hasMore: Bool)
    {
        if let startingAfter, !Identifier.looksValid(startingAfter, prefix: "cn") {
            throw ValidationError(field: "starting_after", message: "is not a credit note id")
        }
        return try await database.withConnection { conn in
            try await invoices.listCreditNotes(
                tenantID: tenant.id, invoiceID: invoiceID, limit: limit, startingAfter: startingAfter, on: conn
            )
        }
    }
}
