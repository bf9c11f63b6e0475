import Foundation
import KontorCore
import KontorStore

/// The dunning block (Mahnsperre) of the API.
public struct DunningBlockJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "dunning_block"
    public var customer: String
    /// The blocked item; null blocks every item of the customer.
    public var invoice: String?
    public var reason: String
    public var until: String
    public var active: Bool
    public var createdBy: String
    public var createdAt: Date
    public var liftedAt: Date?

    public init(_ b: DunningBlock, today: LocalDate) {
        id = b.id
        customer = b.customerID
        invoice = b.invoiceID
        reason = b.reason
        until = b.until.description
        active = b.holds(on: today)
        createdBy = b.createdBy
        createdAt = b.createdAt
        liftedAt = b.liftedAt
    }
}

/// The Mahnvorschlag of the API: what a review-mode run would send and do for one customer.
public struct DunningProposalJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "dunning_proposal"
    public var customer: String
    public var customerName: String?
    public var level: Int
    public var levelName: String
    public var policy: String
    public var currency: String
    public var items: [NoticeItemJSON]
    public var itemsTotal: Int64
    public var fee: Int64
    public var interest: Int64
    public var flatFee: Int64
    public var actions: [String]
    /// proposed | released | postponed | lapsed
    public var status: String
    public var proposedOn: String
    public var decidedBy: String?
    public var decidedAt: Date?
    /// The notice that went out on release.
    public var notice: String?

    public init(_ p: DunningProposal) {
        id = p.id
        customer = p.customerID
        customerName = p.customerName
        level = p.level
        levelName = p.levelName
        policy = p.policyCode
        currency = p.currency
        items = (try? KontorJSON.decoder().decode([NoticeItemJSON].self, from: Data(p.itemsJSON.utf8))) ?? []
        itemsTotal = p.itemsTotal
        fee = p.fee
        interest = p.interest
        flatFee = p.flatFee
        actions = p.actions
        status = p.status.rawValue
        proposedOn = p.proposedOn.description
        decidedBy = p.decidedBy
        decidedAt = p.decidedAt
        notice = p.noticeID
    }
}

/// Finance's hand on dunning: blocks (Mahnsperre) on an item or a customer with a reason and
/// an end date, and the Mahnvorschlag of review-mode policies — release (the notices go out,
/// fees and actions follow) or postpone (a block of the customer until a day).
public struct DunningReview: Sendable {
    let operations: OperationRunner
    let blocks: DunningBlockRepository
    let proposals: DunningProposalRepository
    let customers: CustomerRepository
    let invoices: InvoiceRepository
    let dunning: DunningRun

    init(database: Database, operations: OperationRunner, dunning: DunningRun) {
        self.operations = operations
        self.blocks = DunningBlockRepository(logger: database.logger)
        self.proposals = DunningProposalRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
        self.invoices = InvoiceRepository(logger: database.logger)
        self.dunning = dunning
    }

    /// A new block by the acting user or key, its reason trimmed.
    static func newBlock(_ customerID: String, _ invoiceID: String?, reason: String, until: LocalDate, now: Date)
        -> DunningBlock
    {
        DunningBlock(
            id: Identifier.make("dbl"), customerID: customerID, invoiceID: invoiceID,
            reason: reason.trimmingCharacters(in: .whitespacesAndNewlines), until: until,
            createdBy: AuditContext.actorName, createdAt: now)
    }

    /// Blocks dunning of `invoiceID` (one item of the customer) or of the whole customer.
    public func block(customerID: String, invoiceID: String?, reason: String, until: LocalDate?, tenant: Tenant)
        async throws -> DunningBlockJSON
    {
        try await operations.run(tenant) { op in
            let today = try await op.today()
            let problems = DunningBlock.problems(reason: reason, until: until, today: today)
            guard problems.isEmpty, let until else { throw ValidationError(problems) }
            guard customerID.hasPrefix("cus_"),
                try await customers.exists(customerID, tenant: tenant, on: op.connection)
            else { throw ValidationError(field: "customer", message: "is not a customer of this tenant") }
            if let invoiceID {
                guard DocumentKind.looksLikeOpenItem(invoiceID),
                    let invoice = try await invoices.find(invoiceID, tenantID: tenant.id, on: op.connection),
                    invoice.customerID == customerID
                else { throw ValidationError(field: "invoice", message: "is not an item of customer \(customerID)") }
            }
            let block = Self.newBlock(customerID, invoiceID, reason: reason, until: until, now: op.now)
            try await blocks.insert(block, tenantID: tenant.id, on: op.connection)
            let json = DunningBlockJSON(block, today: today)
            op.record(.dunningBlock(.dunningBlockCreated, json))
            return json
        }
    }

    /// Lifts a standing block: dunning takes the items up again at its next run.
    public func lift(_ id: String, tenant: Tenant) async throws -> DunningBlockJSON {
        try await operations.run(tenant) { op in
            guard
                let b = try await blocks.lift(
                    id, by: AuditContext.actorName, at: op.now, tenantID: tenant.id, on: op.connection)
            else { throw EngineError.notFound(resource: "standing dunning block", id: id) }
            let json = DunningBlockJSON(b, today: try await op.today())
            op.record(.dunningBlock(.dunningBlockLifted, json))
            return json
        }
    }

    /// The blocks of a customer (or all), newest first; standing ones only when `active`.
    public func blocks(customerID: String?, active: Bool, tenant: Tenant) async throws -> [DunningBlockJSON] {
        try await operations.read(tenant) { op in
            let today = try await op.today()
            return try await blocks.list(
                customerID: customerID, holdingOn: active ? today : nil, tenantID: tenant.id, on: op.connection
            ).map { DunningBlockJSON($0, today: today) }
        }
    }

    public func proposals(status: String?, customerID: String?, tenant: Tenant) async throws -> [DunningProposalJSON] {
        var state: DunningProposal.Status?
        if let status {
            guard let s = DunningProposal.Status(rawValue: status) else {
                throw ValidationError(field: "status", message: "must be proposed, released, postponed or lapsed")
            }
            state = s
        }
        return try await operations.read(tenant) { op in
            try await proposals.list(
                status: state, customerID: customerID, limit: 1000, tenantID: tenant.id, on: op.connection
            ).map(DunningProposalJSON.init)
        }
    }

    /// Releases open proposals (all of them when `ids` is nil): each customer is dunned now as
    /// the policy says — what is blocked or paid since stays out; a proposal with nothing left
    /// lapses. One transaction per batch of customers, with the dunning run's own writes.
    public func release(ids: [String]?, tenant: Tenant) async throws -> [DunningProposalJSON] {
        let open = try await operations.read(tenant) { op in
            try await proposals.list(
                status: .proposed, ids: ids, limit: 100_000, tenantID: tenant.id, on: op.connection)
        }
        if let ids, let missing = Set(ids).subtracting(open.map(\.id)).sorted().first {
            throw EngineError.notFound(resource: "open dunning proposal", id: missing)
        }
        var closed: [DunningProposalJSON] = []
        let customers = open.map(\.customerID)
        for start in stride(from: 0, to: customers.count, by: dunning.batchSize) {
            let chunk = Array(customers[start..<min(start + dunning.batchSize, customers.count)])
            closed += try await operations.run(tenant) { op in
                let summary = try await dunning.runBatch(
                    profile: try await op.profile(), today: try await op.today(), now: op.now, customerIDs: chunk,
                    release: .init(customerIDs: Set(chunk), by: AuditContext.actorName), on: op.connection)
                let json = summary.closed.map(DunningProposalJSON.init)
                for p in json { op.record(.dunningProposal(.dunningProposalReleased, p)) }
                return json
            }
        }
        return closed
    }

    /// Postpones a proposal: the customer is blocked until `until` with the reason, and the
    /// proposal is closed; the run after the block proposes afresh.
    public func postpone(_ id: String, until: LocalDate?, reason: String, tenant: Tenant) async throws
        -> DunningProposalJSON
    {
        try await operations.run(tenant) { op in
            let today = try await op.today()
            let problems = DunningBlock.problems(reason: reason, until: until, today: today)
            guard problems.isEmpty, let until else { throw ValidationError(problems) }
            guard
                let p = try await proposals.list(status: .proposed, ids: [id], tenantID: tenant.id, on: op.connection)
                    .first
            else { throw EngineError.notFound(resource: "open dunning proposal", id: id) }
            let block = Self.newBlock(p.customerID, nil, reason: reason, until: until, now: op.now)
            try await blocks.insert(block, tenantID: tenant.id, on: op.connection)
            op.record(.dunningBlock(.dunningBlockCreated, DunningBlockJSON(block, today: today)))
            let closed = try await proposals.close(
                customerIDs: [p.customerID], status: .postponed, by: AuditContext.actorName, at: op.now,
                tenantID: tenant.id,
                on: op.connection)
            guard let json = closed.first.map(DunningProposalJSON.init) else {
                throw EngineError.notFound(resource: "open dunning proposal", id: id)
            }
            op.record(.dunningProposal(.dunningProposalPostponed, json))
            return json
        }
    }
}
