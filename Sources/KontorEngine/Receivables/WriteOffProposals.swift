import Foundation
import KontorCore
import KontorStore

/// The write-off proposal of the API and the console's queue.
public struct WriteOffProposalJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "write_off_proposal"
    public var invoice: String
    public var customer: String
    public var amount: Int64
    public var currency: String
    public var reason: String
    public var status: String
    public var proposedBy: String
    public var proposedAt: Date
    public var decidedBy: String?
    public var decidedAt: Date?

    public init(_ p: WriteOffProposal) {
        id = p.id
        invoice = p.invoiceID
        customer = p.customerID
        amount = p.amount
        currency = p.currency
        reason = p.reason
        status = p.status.rawValue
        proposedBy = p.proposedBy
        proposedAt = p.proposedAt
        decidedBy = p.decidedBy
        decidedAt = p.decidedAt
    }
}

/// Write-offs with the four-eyes principle: a proposal up to the tenant's threshold writes the
/// item off at once; above it a second person approves (then it is written off) or rejects.
/// Each is one operation; the proposer can never decide their own proposal.
extension ReceivablesService {
    var writeOffProposals: WriteOffProposalRepository { WriteOffProposalRepository(logger: database.logger) }

    public func proposeWriteOff(_ invoiceID: String, reason: String, tenant: Tenant) async throws
        -> WriteOffProposalJSON
    {
        let problems = WriteOffRules.reasonProblems(reason)
        guard problems.isEmpty else { throw ValidationError(problems) }
        return try await operations.run(tenant) { op in
            let conn = op.connection
            let invoice = try await lockOpen(invoiceID, tenant: tenant, action: "write off", on: conn)
            let threshold = try await op.profile().writeOffApprovalAbove
            let direct = !WriteOffRules.needsApproval(invoice.amountDue, threshold: threshold)
            var p = WriteOffProposal(
                id: Identifier.make("wop"), invoiceID: invoice.id, customerID: invoice.customerID,
                amount: invoice.amountDue, currency: invoice.currency, reason: reason.trimmingWhitespace(),
                status: direct ? .writtenOff : .pending, proposedBy: AuditContext.actorName, proposedAt: op.now)
            if direct { (p.decidedBy, p.decidedAt) = (p.proposedBy, op.now) }
            guard try await writeOffProposals.insert(p, tenantID: tenant.id, on: conn) else {
                throw EngineError.conflict("Invoice \(invoice.number) already has a write-off waiting for approval.")
            }
            let json = WriteOffProposalJSON(p)
            op.record(.writeOffProposal(.writeOffProposalCreated, json))
            if direct { try await writeOff(invoice, op) }
            return json
        }
    }

    /// Approves (writes off what is open now) or rejects a pending proposal.
    public func decideWriteOff(_ id: String, approve: Bool, tenant: Tenant) async throws -> WriteOffProposalJSON {
        try await operations.run(tenant) { op in
            let conn = op.connection
            guard var p = try await writeOffProposals.pending(id, tenantID: tenant.id, on: conn) else {
                throw EngineError.notFound(resource: "pending write-off proposal", id: id)
            }
            let me = AuditContext.actorName
            if let problem = WriteOffRules.decisionProblem(proposer: p.proposedBy, decider: me) {
                throw EngineError.forbidden(problem)
            }
            p.status = approve ? .approved : .rejected
            (p.decidedBy, p.decidedAt) = (me, op.now)
            try await writeOffProposals.decide(id, p.status, by: me, at: op.now, tenantID: tenant.id, on: conn)
            if approve {
                try await writeOff(try await lockOpen(p.invoiceID, tenant: tenant, action: "write off", on: conn), op)
            }
            let json = WriteOffProposalJSON(p)
            op.record(.writeOffProposal(approve ? .writeOffProposalApproved : .writeOffProposalRejected, json))
            return json
        }
    }

    public func writeOffProposals(status: String?, tenant: Tenant) async throws -> [WriteOffProposalJSON] {
        var typed: WriteOffProposal.Status?
        if let status {
            guard let s = WriteOffProposal.Status(rawValue: status) else {
                throw ValidationError(
                    field: "status",
                    message: "must be " + WriteOffProposal.Status.allCases.map(\.rawValue).joined(separator: ", "))
            }
            typed = s
        }
        return try await operations.read(tenant) { op in
            try await writeOffProposals.list(status: typed, limit: 500, tenantID: tenant.id, on: op.connection)
                .map(WriteOffProposalJSON.init)
        }
    }

    private func writeOff(_ invoice: Invoice, _ op: OperationContext) async throws {
        try await booker.writeOff(
            [(invoice, invoice.amountDue)], profile: try await op.profile(), now: op.now, on: op.connection)
        op.openItemsMoved(for: [invoice.customerID])
    }
}
