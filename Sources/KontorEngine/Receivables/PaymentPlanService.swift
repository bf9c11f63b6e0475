import Foundation
import KontorCore
import KontorStore

/// The payment plan object of the API, with how the plan stands today.
public struct PaymentPlanJSON: Codable, Sendable {
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

    init(_ row: PaymentPlanRepository.Row, today: LocalDate) {
        let plan = row.plan
        id = plan.id
        customer = plan.customerID
        invoices = plan.invoiceIDs
        instalments = plan.instalments.map { .init(dueDate: $0.dueDate.description, amount: $0.amount) }
        currency = row.currency
        status = plan.status(paid: row.paid, itemsOpen: row.itemsOpen, on: today).rawValue
        paid = row.paid
        dueSoFar = plan.dueBefore(today)
        createdAt = row.createdAt
    }
}

/// Payment plans: instalments over open items; dunning waits while they are kept.
public struct PaymentPlanService: Sendable {
    let database: Database
    let operations: OperationRunner
    let customers: CustomerRepository
    let openItems: OpenItemRepository
    let plans: PaymentPlanRepository

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.operations = operations
        self.customers = CustomerRepository(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
        self.plans = PaymentPlanRepository(logger: database.logger)
    }

    /// `GET /v1/customers/{id}/payment_plans`: the customer's plans with how they stand today.
    public func list(customerID: String, tenant: Tenant) async throws -> [PaymentPlanJSON] {
        try await operations.read(tenant) { op in
            try await requireCustomer(customerID, op)
            let today = try await op.today()
            return try await plans.list(customerIDs: [customerID], tenantID: tenant.id, on: op.connection)
                .map { PaymentPlanJSON($0, today: today) }
        }
    }

    /// `POST /v1/customers/{id}/payment_plans`: instalments over some of the customer's open
    /// items, summing to what is open on them. While every instalment due so far is paid, dunning
    /// leaves those items alone; once one is missed, they are dunned again.
    public func create(
        customerID: String, invoiceIDs: [String]?, instalments: [(dueDate: String?, amount: Int64?)]?, tenant: Tenant,
        idempotency: Idempotency<PaymentPlanJSON>?
    ) async throws -> OperationOutcome<PaymentPlanJSON> {
        try await operations.run(tenant, idempotency: idempotency) { op in
            try await requireCustomer(customerID, op)
            let items = try await openItems.current(
                customerIDs: [customerID], tenantID: tenant.id, lock: true, on: op.connection)
            let today = try await op.today()
            let ids = invoiceIDs ?? []
            let plan = try Self.plan(
                customerID: customerID, invoiceIDs: ids, instalments: instalments ?? [], items: items, today: today)
            let currency = items.first { ids.contains($0.id) }!.currency
            let json = plan.instalments.map {
                PaymentPlanJSON.Instalment(dueDate: $0.dueDate.description, amount: $0.amount)
            }
            try await plans.insert(
                plan, currency: currency, instalmentsJSON: String(decoding: try KontorJSON.encode(json), as: UTF8.self),
                tenantID: tenant.id, now: op.now, on: op.connection)
            return PaymentPlanJSON(
                .init(plan: plan, currency: currency, createdAt: op.now, paid: 0, itemsOpen: true), today: today)
        }
    }

    func requireCustomer(_ id: String, _ op: OperationContext) async throws {
        guard Identifier.looksValid(id, prefix: "cus"),
            try await customers.find(id, tenant: op.tenant, on: op.connection) != nil
        else { throw EngineError.notFound(resource: "customer", id: id) }
    }

    /// The plan the request describes, or every field that is wrong with it.
    static func plan(
        customerID: String, invoiceIDs ids: [String], instalments: [(dueDate: String?, amount: Int64?)],
        items: [OpenItem], today: LocalDate
    ) throws -> PaymentPlan {
        var errors: [FieldError] = []
        if ids.isEmpty {
            errors.append(FieldError(field: "invoices", message: "must name 1 or more open invoices"))
        }
        for (i, id) in ids.enumerated() where !items.contains(where: { $0.id == id }) {
            errors.append(FieldError(field: "invoices[\(i)]", message: "is not an open invoice of this customer"))
        }
        var parsed: [PaymentPlan.Instalment] = []
        for (i, inst) in instalments.enumerated() {
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
                    FieldError(field: "instalments[\(i)].amount", message: "must be a positive amount, at most 10^15"))
                continue
            }
            parsed.append(.init(dueDate: d, amount: a))
        }
        if instalments.isEmpty || instalments.count > 60 {
            errors.append(FieldError(field: "instalments", message: "must have 1 to 60 instalments"))
        }
        let open = items.filter { ids.contains($0.id) }.reduce(0) { $0 + $1.open }
        if errors.isEmpty, parsed.reduce(0, { $0 + $1.amount }) != open {
            errors.append(
                FieldError(field: "instalments", message: "must sum to \(open), what is open on the invoices"))
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return PaymentPlan(
            id: Identifier.make("pp"), customerID: customerID, invoiceIDs: ids, instalments: parsed, startDate: today)
    }
}
