import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// Disputes (a disputed item is not dunned) and payment plans (dunning waits while kept).
public struct DisputeService: Sendable {
    let database: Database
    let clock: any BillingClock
    let invoices: InvoiceRepository
    let customers: CustomerRepository
    let idempotent: IdempotentOperation

    public init(database: Database, clock: any BillingClock) {
        self.database = database
        self.clock = clock
        self.invoices = InvoiceRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
        self.idempotent = IdempotentOperation(database: database)
    }

    struct DisputeJSON: Codable {
        var id: String
        var object = "dispute"
        var invoice: String
        var customer: String
        var reason: String
        var status: String
        var resolution: String?
        var createdAt: Date
        var resolvedAt: Date?
    }

    public func open(invoiceID: String, reason: String?, tenant: Tenant, idempotency: IdempotencyRequest?) async throws
        -> (response: StoredResponse, replayed: Bool)
    {
        let now = try await clock.now(for: tenant)
        let reason = reason?.trimmingWhitespace() ?? ""
        guard !reason.isEmpty, reason.count <= 500 else {
            throw ValidationError(field: "reason", message: "must be 1 to 500 characters")
        }
        return try await idempotent.run(tenant: tenant, request: idempotency) { conn in
            guard DocumentKind.looksLikeOpenItem(invoiceID),
                let invoice = try await invoices.lock(invoiceID, tenantID: tenant.id, on: conn)
            else { throw EngineError.notFound(resource: "invoice", id: invoiceID) }
            guard invoice.status == "open" else {
                throw ValidationError(
                    field: "invoice", message: "\(invoice.number) is \(invoice.status): nothing to dispute")
            }
            let id = Identifier.make("dp")
            let rows = try await conn.query(
                """
                INSERT INTO disputes (tenant_id, dispute_id, invoice_id, customer_id, reason, status, created_at)
                VALUES (\(tenant.id), \(id), \(invoiceID), \(invoice.customerID), \(reason), 'open', \(now))
                ON CONFLICT DO NOTHING RETURNING 1
                """, logger: database.logger)
            var inserted = false
            for try await _ in rows { inserted = true }
            guard inserted else { throw EngineError.conflict("Invoice \(invoice.number) already has an open dispute.") }
            let json = DisputeJSON(
                id: id, invoice: invoiceID, customer: invoice.customerID, reason: reason, status: "open", createdAt: now
            )
            return StoredResponse(status: 201, body: try KontorJSON.encode(json))
        }
    }

    public func resolve(_ id: String, resolution: String?, tenant: Tenant, idempotency: IdempotencyRequest?)
        async throws -> (response: StoredResponse, replayed: Bool)
    {
        let now = try await clock.now(for: tenant)
        var customerID: String?
        let result = try await idempotent.run(tenant: tenant, request: idempotency) { conn in
            let rows = try await conn.query(
                """
                UPDATE disputes SET status = 'resolved', resolution = \(resolution), resolved_at = \(now)
                WHERE tenant_id = \(tenant.id) AND dispute_id = \(id) AND status = 'open'
                RETURNING invoice_id, customer_id, reason, created_at
                """, logger: database.logger)
            for try await (invoice, customer, reason, created) in rows.decode((String, String, String, Date).self) {
                customerID = customer
                let json = DisputeJSON(
                    id: id, invoice: invoice, customer: customer, reason: reason, status: "resolved",
                    resolution: resolution, createdAt: created, resolvedAt: now)
                return StoredResponse(status: 200, body: try KontorJSON.encode(json))
            }
            throw EngineError.notFound(resource: "open dispute", id: id)
        }
        if let customerID, !result.replayed {
            try await DunningRun(database: database).run(now: now, tenantID: tenant.id, customerIDs: [customerID])
        }
        return result
    }

    public struct PlanJSON: Codable, Sendable {
        public struct Instalment: Codable, Sendable {
            var dueDate: String
            var amount: Int64
        }
        var id: String
        var object = "payment_plan"
        var customer: String
        var invoices: [String]
        var instalments: [Instalment]
        var currency: String
        /// `active` (kept: dunning waits), `in_arrears` (dunned again) or `completed`.
        var status: String
        /// Paid on the plan's invoices since it began.
        var paid: Int64
        /// Instalments due before today.
        var dueSoFar: Int64
        var createdAt: Date
    }

    /// `GET /v1/customers/{id}/payment_plans`: the customer's plans with how they stand today.
    public func plans(customerID: String, tenant: Tenant) async throws -> [PlanJSON] {
        let now = try await clock.now(for: tenant)
        return try await database.withConnection { conn in
            guard Identifier.looksValid(customerID, prefix: "cus"),
                try await customers.find(customerID, tenant: tenant, on: conn) != nil
            else { throw EngineError.notFound(resource: "customer", id: customerID) }
            let profile = try await TenantRepository(database: database).profile(tenant.id, on: conn)
            let today = LocalDate(instant: now, in: profile.zone)
            return try await PaymentPlanRepository(logger: database.logger).list(
                customerIDs: [customerID], tenantID: tenant.id, on: conn
            ).map { row in
                PlanJSON(
                    id: row.plan.id, customer: customerID, invoices: row.plan.invoiceIDs,
                    instalments: row.plan.instalments.map {
                        .init(dueDate: $0.dueDate.description, amount: $0.amount)
                    }, currency: row.currency,
                    status: row.plan.status(paid: row.paid, itemsOpen: row.itemsOpen, on: today).rawValue,
                    paid: row.paid, dueSoFar: row.plan.dueBefore(today), createdAt: row.createdAt)
            }
        }
    }

    /// `POST /v1/customers/{id}/payment_plans`: instalments over some of the customer's open
    /// items, summing to what is open on them. While every instalment due so far is paid, dunning
    /// leaves those items alone; once one is missed, they are dunned again.
    public func createPlan(
        customerID: String, invoiceIDs: [String]?, instalments: [(dueDate: String?, amount: Int64?)]?, tenant: Tenant,
        idempotency: IdempotencyRequest?
    ) async throws -> (response: StoredResponse, replayed: Bool) {
        let now = try await clock.now(for: tenant)
        return try await idempotent.run(tenant: tenant, request: idempotency) { conn in
            guard Identifier.looksValid(customerID, prefix: "cus"),
                try await customers.find(customerID, tenant: tenant, on: conn) != nil
            else { throw EngineError.notFound(resource: "customer", id: customerID) }
            var errors: [FieldError] = []
            let items = try await OpenItemRepository(logger: database.logger).current(
                customerIDs: [customerID], tenantID: tenant.id, lock: true, on: conn)
            let ids = invoiceIDs ?? []
            if ids.isEmpty {
                errors.append(FieldError(field: "invoices", message: "must name 1 or more open invoices"))
            }
            for (i, id) in ids.enumerated() where !items.contains(where: { $0.id == id }) {
                errors.append(FieldError(field: "invoices[\(i)]", message: "is not an open invoice of this customer"))
            }
            let profile = try await TenantRepository(database: database).profile(tenant.id, on: conn)
            let today = LocalDate(instant: now, in: profile.zone)
            var parsed: [PlanJSON.Instalment] = []
            for (i, inst) in (instalments ?? []).enumerated() {
                guard let d = inst.dueDate.flatMap(LocalDate.init) else {
                    errors.append(FieldError(field: "instalments[\(i)].due_date", message: "must be a date YYYY-MM-DD"))
                    continue
                }
                guard d >= today else {
                    errors.append(
                        FieldError(field: "instalments[\(i)].due_date", message: "must not be before today (\(today))"))
                    continue
                }
                guard let a = inst.amount, a > 0, a <= 1_000_000_000_000_000 else {
                    errors.append(
                        FieldError(
                            field: "instalments[\(i)].amount", message: "must be a positive amount, at most 10^15"))
                    continue
                }
                parsed.append(.init(dueDate: d.description, amount: a))
            }
            if (instalments ?? []).isEmpty || (instalments ?? []).count > 60 {
                errors.append(FieldError(field: "instalments", message: "must have 1 to 60 instalments"))
            }
            let open = items.filter { ids.contains($0.id) }.reduce(0) { $0 + $1.open }
            if errors.isEmpty, parsed.reduce(0, { $0 + $1.amount }) != open {
                errors.append(
                    FieldError(field: "instalments", message: "must sum to \(open), what is open on the invoices"))
            }
            guard errors.isEmpty else { throw ValidationError(errors) }
            let id = Identifier.make("pp")
            let currency = items.first { ids.contains($0.id) }!.currency
            let instalmentJSON = String(decoding: try KontorJSON.encode(parsed), as: UTF8.self)
            _ = try await conn.query(
                """
                INSERT INTO payment_plans (tenant_id, plan_id, customer_id, invoice_ids, instalments, currency, start_date,
                    status, created_at)
                VALUES (\(tenant.id), \(id), \(customerID), \(ids), \(instalmentJSON)::jsonb, \(currency),
                    \(LocalDate(instant: now, in: profile.zone)), 'active', \(now))
                """, logger: database.logger)
            let json = PlanJSON(
                id: id, customer: customerID, invoices: ids, instalments: parsed, currency: currency, status: "active",
                paid: 0, dueSoFar: 0, createdAt: now)
            return StoredResponse(status: 201, body: try KontorJSON.encode(json))
        }
    }
}
