import Foundation
import KontorCore
import KontorStore

/// The instalment proposal object of the API.
public struct InstalmentProposalJSON: Codable, Sendable, Equatable {
    public struct Instalment: Codable, Sendable, Equatable {
        var dueDate: String
        var amount: Int64
    }

    public var id: String
    public var object = "instalment_proposal"
    public var customer: String
    public var invoices: [String]
    public var currency: String
    public var amount: Int64
    public var instalmentCount: Int
    public var firstDueDate: String
    /// The monthly schedule the debtor proposed (what an acceptance makes the plan of).
    public var instalments: [Instalment]
    public var message: String
    /// `pending`, `accepted` or `declined`.
    public var status: String
    public var paymentPlan: String?
    public var decisionNote: String?
    public var createdAt: Date
    public var decidedAt: Date?

    public init(_ p: InstalmentProposal) {
        id = p.id
        customer = p.customerID
        invoices = p.invoiceIDs
        currency = p.currency
        amount = p.amount
        instalmentCount = p.instalments
        firstDueDate = p.firstDueDate.description
        instalments = InstalmentProposal.schedule(amount: p.amount, count: p.instalments, first: p.firstDueDate).map {
            .init(dueDate: $0.dueDate.description, amount: $0.amount)
        }
        message = p.message
        status = p.status.rawValue
        paymentPlan = p.paymentPlanID
        decisionNote = p.decisionNote
        createdAt = p.createdAt
        decidedAt = p.decidedAt
    }
}

/// Finance's side of debtors' instalment proposals: list, accept (a payment plan is made over
/// the items, so dunning waits while it is kept), decline.
public struct InstalmentProposalService: Sendable {
    let operations: OperationRunner
    let proposals: InstalmentProposalRepository
    let openItems: OpenItemRepository
    let plans: PaymentPlanRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.proposals = InstalmentProposalRepository(logger: database.logger)
        self.openItems = OpenItemRepository(logger: database.logger)
        self.plans = PaymentPlanRepository(logger: database.logger)
    }

    public func list(customerID: String?, status: String?, limit: Int, startingAfter: String?, tenant: Tenant)
        async throws -> (proposals: [InstalmentProposal], hasMore: Bool)
    {
        let filter = try ListFilters<InstalmentProposal.Status>(customer: customerID, status: status)
        return try await operations.read(tenant) { op in
            try await proposals.list(
                customerID: filter.customerID, status: filter.state, limit: limit + 1, startingAfter: startingAfter,
                tenantID: tenant.id, on: op.connection)
        }.page(limit)
    }

    public func get(_ id: String, tenant: Tenant) async throws -> InstalmentProposal {
        guard Identifier.looksValid(id, prefix: "ipr"),
            let p = try await operations.read(
                tenant,
                {
                    try await proposals.list(
                        id: id, customerID: nil, status: nil, limit: 1, startingAfter: nil, tenantID: tenant.id,
                        on: $0.connection
                    ).first
                })
        else { throw EngineError.notFound(resource: "instalment_proposal", id: id) }
        return p
    }

    /// Accepts a pending proposal: a payment plan over its items, for what is open on them now,
    /// in the proposed number of monthly instalments from the proposed first day (from today
    /// when that has passed).
    public func accept(_ id: String, note: String?, tenant: Tenant, idempotency: Idempotency<InstalmentProposal>?)
        async throws -> OperationOutcome<InstalmentProposal>
    {
        try await operations.run(tenant, idempotency: idempotency) { op in
            var p = try await pending(id, op)
            let today = try await op.today()
            let items = try await openItems.current(
                customerIDs: [p.customerID], tenantID: tenant.id, lock: true, on: op.connection)
            let open = items.filter { p.invoiceIDs.contains($0.id) }
            let amount = open.reduce(0) { $0 + $1.open }
            guard amount > 0 else {
                throw EngineError.conflict("Nothing is open any more on the items of proposal \(id).")
            }
            let schedule = InstalmentProposal.schedule(
                amount: amount, count: p.instalments, first: max(p.firstDueDate, today))
            let plan = try PaymentPlanService.plan(
                customerID: p.customerID, invoiceIDs: open.map(\.id),
                instalments: schedule.map { ($0.dueDate.description, $0.amount) }, items: items, today: today)
            let json = plan.instalments.map {
                PaymentPlanJSON.Instalment(dueDate: $0.dueDate.description, amount: $0.amount)
            }
            try await plans.insert(
                plan, currency: p.currency,
                instalmentsJSON: String(decoding: try KontorJSON.encode(json), as: UTF8.self),
                tenantID: tenant.id, now: op.now, on: op.connection)
            p.status = .accepted
            p.paymentPlanID = plan.id
            p.decisionNote = try Self.note(note)
            p.decidedAt = op.now
            guard try await proposals.decide(p, tenantID: tenant.id, on: op.connection) else {
                throw EngineError.conflict("Proposal \(id) was answered meanwhile.")
            }
            op.openItemsMoved(for: [p.customerID])
            op.record(.proposal(.instalmentProposalAccepted, InstalmentProposalJSON(p)))
            return p
        }
    }

    public func decline(_ id: String, note: String?, tenant: Tenant, idempotency: Idempotency<InstalmentProposal>?)
        async throws -> OperationOutcome<InstalmentProposal>
    {
        try await operations.run(tenant, idempotency: idempotency) { op in
            var p = try await pending(id, op)
            p.status = .declined
            p.decisionNote = try Self.note(note)
            p.decidedAt = op.now
            guard try await proposals.decide(p, tenantID: tenant.id, on: op.connection) else {
                throw EngineError.conflict("Proposal \(id) was answered meanwhile.")
            }
            op.record(.proposal(.instalmentProposalDeclined, InstalmentProposalJSON(p)))
            return p
        }
    }

    func pending(_ id: String, _ op: OperationContext) async throws -> InstalmentProposal {
        guard Identifier.looksValid(id, prefix: "ipr"),
            let p = try await proposals.list(
                id: id, customerID: nil, status: nil, limit: 1, startingAfter: nil, lock: true,
                tenantID: op.tenant.id, on: op.connection
            ).first
        else { throw EngineError.notFound(resource: "instalment_proposal", id: id) }
        guard p.status == .pending else { throw EngineError.conflict("Proposal \(id) is already \(p.status).") }
        return p
    }

    static func note(_ text: String?) throws -> String? {
        let t = text?.trimmingWhitespace()
        if let t, t.count > 1000 { throw ValidationError(field: "note", message: "must be at most 1000 characters") }
        return t?.isEmpty == true ? nil : t
    }
}
