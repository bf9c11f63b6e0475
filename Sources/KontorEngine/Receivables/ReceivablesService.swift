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

/// Payments, returns, write-offs, hand-overs, disputes and payment plans: the receivables API.
public struct ReceivablesService: Sendable {
    let database: Database
    let clock: any BillingClock
    let tenants: TenantRepository
    let customers: CustomerRepository
    let openItems: OpenItemRepository
    let booker: ReceivablesBooker
    let invoices: InvoiceRepository
    let idempotent: IdempotentOperation

    public init(database: Database, clock: any BillingClock) {
        self.database = database
        self.clock = clock
        self.tenants = TenantRepository(database: database)
        self.customers = CustomerRepository(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
        self.booker = ReceivablesBooker(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.idempotent = IdempotentOperation(database: database)
    }

    /// `POST /v1/payments`: money received for a customer, allocated as given or oldest due
    /// first; the surplus becomes customer credit. Dunning re-evaluates the customer at once.
    public func record(_ input: PaymentInput, tenant: Tenant, idempotency: IdempotencyRequest?) async throws -> (
        response: StoredResponse, replayed: Bool
    ) {
        let now = try await clock.now(for: tenant)
        var customerID: String?
        let result = try await idempotent.run(tenant: tenant, request: idempotency) { conn in
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
            let plan: AllocationPlan
            if let shares = input.allocations {
                var parsed: [(itemID: String, amount: Int64)] = []
                for (i, share) in shares.enumerated() {
                    guard let invoice = share.invoice else {
                        errors.append(FieldError(field: "allocations[\(i)].invoice", message: "is required"))
                        continue
                    }
                    parsed.append((invoice, share.amount ?? 0))
                }
                if shares.isEmpty {
                    errors.append(
                        FieldError(field: "allocations", message: "must not be empty (omit it for oldest first)"))
                }
                guard errors.isEmpty else { throw ValidationError(errors) }
                plan = try AllocationPlan.explicit(amount, shares: parsed, items: items).get()
            } else {
                plan = AllocationPlan.oldestDueFirst(amount, over: items)
            }
            let profile = try await tenants.profile(tenant.id, on: conn)
            let id = try await booker.receive(
                .init(
                    customerID: customer.id, amount: amount, currency: currency, plan: plan, source: "manual",
                    reference: input.reference, payerIBAN: nil), profile: profile, now: now, on: conn)
            customerID = customer.id
            let payment = try await booker.payments.find(id, tenantID: tenant.id, on: conn)!
            return StoredResponse(status: 201, body: try KontorJSON.encode(ReceivedPaymentJSON(payment)))
        }
        if let customerID, !result.replayed {
            try await DunningRun(database: database).run(now: now, tenantID: tenant.id, customerIDs: [customerID])
        }
        return result
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
    public func returnPayment(
        _ id: String, reasonCode: String?, fee: Int64?, tenant: Tenant, idempotency: IdempotencyRequest?
    ) async throws -> (response: StoredResponse, replayed: Bool) {
        let now = try await clock.now(for: tenant)
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
        var customerID: String?
        let result = try await idempotent.run(tenant: tenant, request: idempotency) { conn in
            guard let payment = try await booker.payments.find(id, tenantID: tenant.id, lock: true, on: conn) else {
                throw EngineError.notFound(resource: "payment", id: id)
            }
            guard payment.status == "succeeded", payment.reversedAt == nil else {
                throw EngineError.conflict(
                    "Payment \(id) was \(payment.reversedAt == nil ? "not successful" : "already returned").")
            }
            let profile = try await tenants.profile(tenant.id, on: conn)
            _ = try await booker.returnPayment(
                payment, reason: reason, fee: fee ?? profile.returnFee, card: false, profile: profile, now: now,
                on: conn)
            customerID = payment.customerID
            let returned = try await booker.payments.find(id, tenantID: tenant.id, on: conn)!
            var json = ReceivedPaymentJSON(returned)
            json.allocations = payment.allocations
            return StoredResponse(status: 200, body: try KontorJSON.encode(json))
        }
        if let customerID, !result.replayed {
            try await DunningRun(database: database).run(now: now, tenantID: tenant.id, customerIDs: [customerID])
        }
        return result
    }

    /// `POST /v1/invoices/{id}/write_off`: writes off what is open (bad debt, VAT corrected).
    public func writeOff(_ invoiceID: String, tenant: Tenant, idempotency: IdempotencyRequest?) async throws -> (
        response: StoredResponse, replayed: Bool
    ) {
        let now = try await clock.now(for: tenant)
        return try await idempotent.run(tenant: tenant, request: idempotency) { conn in
            let invoice = try await lockOpen(invoiceID, tenant: tenant, action: "write off", on: conn)
            let profile = try await tenants.profile(tenant.id, on: conn)
            try await booker.writeOff([(invoice, invoice.amountDue)], profile: profile, now: now, on: conn)
            let updated = try await invoices.find(invoiceID, tenantID: tenant.id, on: conn)!
            return StoredResponse(status: 200, body: InvoiceJSON(updated).encoded())
        }
    }

    /// `POST /v1/invoices/{id}/hand_over`: to the collection agency; dunning leaves it alone.
    public func handOver(_ invoiceID: String, tenant: Tenant, idempotency: IdempotencyRequest?) async throws -> (
        response: StoredResponse, replayed: Bool
    ) {
        let now = try await clock.now(for: tenant)
        return try await idempotent.run(tenant: tenant, request: idempotency) { conn in
            let invoice = try await lockOpen(invoiceID, tenant: tenant, action: "hand over", on: conn)
            guard invoice.handedOverAt == nil else {
                throw EngineError.conflict("Invoice \(invoice.number) was already handed over.")
            }
            _ = try await DunningRepository(logger: database.logger).handOver(
                invoiceIDs: [invoiceID], tenantID: tenant.id, now: now, on: conn)
            let updated = try await invoices.find(invoiceID, tenantID: tenant.id, on: conn)!
            let body = InvoiceJSON(updated).encoded()
            try await EventOutbox(logger: database.logger).append(
                [.init(type: "invoice.handed_over", objectID: invoiceID, data: body, createdAt: now)],
                tenantID: tenant.id, livemode: tenant.livemode, on: conn)
            return StoredResponse(status: 200, body: body)
        }
    }

    func lockOpen(_ invoiceID: String, tenant: Tenant, action: String, on conn: PostgresConnection) async throws
        -> Invoice
    {
        guard DocumentKind.looksLikeOpenItem(invoiceID),
            let invoice = try await invoices.lock(invoiceID, tenantID: tenant.id, on: conn)
        else { throw EngineError.notFound(resource: "invoice", id: invoiceID) }
        guard invoice.status == "open", invoice.amountDue > 0 else {
            throw ValidationError(
                field: "invoice", message: "\(invoice.number) is \(invoice.status): nothing open to \(action)")
        }
        return invoice
    }
}
