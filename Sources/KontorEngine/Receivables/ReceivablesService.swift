import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Money received as the client records it.
public struct PaymentInput: Sendable {
    public var customer: String?
    public var amount: Int64?
    public var currency: String?
    public var reference: String?
    /// Explicit shares (invoice id, amount); oldest due first when nil.
    public var allocations: [(invoice: String?, amount: Int64?)]?

    public init() {}
}

/// Payments, returns, write-offs and hand-overs: the receivables API. Every write is one
/// operation that names the customer whose open items moved, so dunning looks again before
/// the answer (`FollowUps`).
public struct ReceivablesService: Sendable {
    let database: Database
    let operations: OperationRunner
    let customers: CustomerRepository
    let openItems: OpenItemRepository
    let booker: ReceivablesBooker
    let invoices: InvoiceRepository
    let dunning: DunningRepository

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.operations = operations
        self.customers = CustomerRepository(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
        self.booker = ReceivablesBooker(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.dunning = DunningRepository(logger: database.logger)
    }

    /// `POST /v1/payments`: money received for a customer, allocated as given or oldest due
    /// first; the surplus becomes customer credit. Dunning re-evaluates the customer at once.
    public func record(_ input: PaymentInput, tenant: Tenant, idempotency: Idempotency<ReceivedPayment>?)
        async throws -> OperationOutcome<ReceivedPayment>
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
                        message: input.customer == nil ? "is required" : "is not a customer of this account"))
            }
            guard let amount = input.amount, amount > 0, amount <= 1_000_000_000_000 else {
                throw ValidationError(
                    errors + [FieldError(field: "amount", message: "must be a positive amount in minor units")])
            }
            guard let code = input.currency, Currency(code: code) != nil else {
                throw ValidationError(errors + [FieldError(field: "currency", message: "must be an ISO 4217 code")])
            }
            if let reference = input.reference, reference.count > 140 {
                errors.append(FieldError(field: "reference", message: "must be at most 140 characters"))
            }
            guard errors.isEmpty, let customer else { throw ValidationError(errors) }
            let items = try await openItems.current(
                customerIDs: [customer.id], tenantID: tenant.id, lock: true, on: conn)
            let currency = customer.fields.currency?.code ?? items.first?.currency ?? code
            guard code == currency else {
                throw ValidationError(
                    field: "currency", message: "must be \(currency), the currency of the customer's account")
            }
            let plan = try Self.plan(amount, shares: input.allocations, over: items)
            let id = try await booker.receive(
                .init(
                    customerID: customer.id, amount: amount, currency: currency, plan: plan, source: "manual",
                    reference: input.reference, payerIBAN: nil), profile: try await op.profile(), now: op.now,
                on: conn)
            op.openItemsMoved(for: [customer.id])
            return try await booker.payments.find(id, tenantID: tenant.id, on: conn)!
        }
    }

    /// How the money is allocated: as the payer said (each share naming an invoice), else oldest
    /// due first.
    static func plan(_ amount: Int64, shares: [(invoice: String?, amount: Int64?)]?, over items: [OpenItem]) throws
        -> AllocationPlan
    {
        guard let shares else { return AllocationPlan.oldestDueFirst(amount, over: items) }
        var errors: [FieldError] = []
        var parsed: [(itemID: String, amount: Int64)] = []
        for (i, share) in shares.enumerated() {
            guard let invoice = share.invoice else {
                errors.append(FieldError(field: "allocations[\(i)].invoice", message: "is required"))
                continue
            }
            parsed.append((invoice, share.amount ?? 0))
        }
        if shares.isEmpty {
            errors.append(FieldError(field: "allocations", message: "must not be empty (omit it for oldest first)"))
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return try AllocationPlan.explicit(amount, shares: parsed, items: items).get()
    }

    public func get(_ id: String, tenant: Tenant) async throws -> ReceivedPayment {
        guard Identifier.looksValid(id, prefix: "pay"),
            let p = try await database.withConnection({
                try await booker.payments.find(id, tenantID: tenant.id, on: $0)
            })
        else { throw EngineError.notFound(resource: "payment", id: id) }
        return p
    }

    public func list(tenant: Tenant, customerID: String?, limit: Int, startingAfter: String?) async throws -> (
        payments: [ReceivedPayment], hasMore: Bool
    ) {
        if let startingAfter, !Identifier.looksValid(startingAfter, prefix: "pay") {
            throw ValidationError(field: "starting_after", message: "is not a payment id")
        }
        return try await database.withConnection {
            try await booker.payments.list(
                tenantID: tenant.id, customerID: customerID, limit: limit, startingAfter: startingAfter, on: $0)
        }
    }

    /// `POST /v1/payments/{id}/return`: a returned debit or reversed transfer the bank reported.
    /// The answer shows the allocations the payment had before it was returned.
    public func returnPayment(
        _ id: String, reasonCode: String?, fee: Int64?, tenant: Tenant, idempotency: Idempotency<ReceivedPayment>?
    ) async throws -> OperationOutcome<ReceivedPayment> {
        guard Identifier.looksValid(id, prefix: "pay") else { throw EngineError.notFound(resource: "payment", id: id) }
        var errors: [FieldError] = []
        let reason = reasonCode ?? "MS03"
        if !ReturnReason.isValid(reason) {
            errors.append(FieldError(field: "reason_code", message: "must be an ISO 20022 reason code such as MD06"))
        }
        if let fee, fee < 0 || fee > 100_000 {
            errors.append(FieldError(field: "fee", message: "must be from 0 to 100000 minor units"))
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return try await operations.run(tenant, idempotency: idempotency) { op in
            let conn = op.connection
            guard let payment = try await booker.payments.find(id, tenantID: tenant.id, lock: true, on: conn) else {
                throw EngineError.notFound(resource: "payment", id: id)
            }
            guard payment.status == .succeeded, payment.reversedAt == nil else {
                throw EngineError.conflict(
                    "Payment \(id) was \(payment.reversedAt == nil ? "not successful" : "already returned").")
            }
            let profile = try await op.profile()
            _ = try await booker.returnPayment(
                payment, reason: reason, fee: fee ?? profile.returnFee, card: false, profile: profile, now: op.now,
                on: conn)
            op.openItemsMoved(for: [payment.customerID])
            var returned = try await booker.payments.find(id, tenantID: tenant.id, on: conn)!
            returned.allocations = payment.allocations
            return returned
        }
    }

    /// `POST /v1/invoices/{id}/write_off`: writes off what is open (bad debt, VAT corrected).
    /// What was written off no longer counts for dunning: the customer is looked at again.
    public func writeOff(_ invoiceID: String, tenant: Tenant, idempotency: Idempotency<Invoice>?) async throws
        -> OperationOutcome<Invoice>
    {
        try await operations.run(tenant, idempotency: idempotency) { op in
            let invoice = try await lockOpen(invoiceID, tenant: tenant, action: "write off", on: op.connection)
            try await booker.writeOff(
                [(invoice, invoice.amountDue)], profile: try await op.profile(), now: op.now, on: op.connection)
            op.openItemsMoved(for: [invoice.customerID])
            return try await invoices.find(invoiceID, tenantID: tenant.id, on: op.connection)!
        }
    }

    /// `POST /v1/invoices/{id}/hand_over`: to the collection agency; dunning leaves it alone.
    /// A handed-over item leaves dunning: the customer's case is looked at again.
    public func handOver(_ invoiceID: String, tenant: Tenant, idempotency: Idempotency<Invoice>?) async throws
        -> OperationOutcome<Invoice>
    {
        try await operations.run(tenant, idempotency: idempotency) { op in
            let invoice = try await lockOpen(invoiceID, tenant: tenant, action: "hand over", on: op.connection)
            guard invoice.handedOverAt == nil else {
                throw EngineError.conflict("Invoice \(invoice.number) was already handed over.")
            }
            _ = try await dunning.handOver(invoiceIDs: [invoiceID], tenantID: tenant.id, now: op.now, on: op.connection)
            let updated = try await invoices.find(invoiceID, tenantID: tenant.id, on: op.connection)!
            op.record(.invoice(.invoiceHandedOver, InvoiceJSON(updated)))
            op.openItemsMoved(for: [invoice.customerID])
            return updated
        }
    }

    func lockOpen(_ invoiceID: String, tenant: Tenant, action: String, on conn: PostgresConnection) async throws
        -> Invoice
    {
        guard DocumentKind.looksLikeOpenItem(invoiceID),
            let invoice = try await invoices.lock(invoiceID, tenantID: tenant.id, on: conn)
        else { throw EngineError.notFound(resource: "invoice", id: invoiceID) }
        guard invoice.status.isOpen, invoice.amountDue > 0 else {
            throw ValidationError(
                field: "invoice", message: "\(invoice.number) is \(invoice.status): nothing open to \(action)")
        }
        return invoice
    }
}
