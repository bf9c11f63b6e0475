import Foundation
import KontorCore
import KontorStore

/// The dispute object of the API.
public struct DisputeJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "dispute"
    public var invoice: String
    public var customer: String
    public var reason: String
    public var status: String
    public var resolution: String?
    public var createdAt: Date
    public var resolvedAt: Date?
    /// `api` or `portal` (opened by the debtor).
    public var source: String

    public init(_ d: Dispute) {
        id = d.id
        invoice = d.invoiceID
        customer = d.customerID
        reason = d.reason
        status = d.status.rawValue
        resolution = d.resolution
        createdAt = d.createdAt
        resolvedAt = d.resolvedAt
        source = d.source.rawValue
    }
}

/// Disputes: a disputed item is not dunned until the dispute is resolved.
public struct DisputeService: Sendable {
    let operations: OperationRunner
    let invoices: InvoiceRepository
    let disputes: DisputeRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.invoices = InvoiceRepository(logger: database.logger)
        self.disputes = DisputeRepository(logger: database.logger)
    }

    public func open(
        invoiceID: String, reason: String?, tenant: Tenant, idempotency: Idempotency<Dispute>?,
        source: Dispute.Source = .api, customerID: String? = nil
    ) async throws -> OperationOutcome<Dispute> {
        let reason = reason?.trimmingWhitespace() ?? ""
        guard !reason.isEmpty, reason.count <= 500 else {
            throw ValidationError(field: "reason", message: "must be 1 to 500 characters")
        }
        return try await operations.run(tenant, idempotency: idempotency) { op in
            guard DocumentKind.looksLikeOpenItem(invoiceID),
                let invoice = try await invoices.lock(invoiceID, tenantID: tenant.id, on: op.connection),
                customerID == nil || invoice.customerID == customerID
            else { throw EngineError.notFound(resource: "invoice", id: invoiceID) }
            guard invoice.status.isOpen else {
                throw ValidationError(
                    field: "invoice", message: "\(invoice.number) is \(invoice.status): nothing to dispute")
            }
            let dispute = Dispute(
                id: Identifier.make("dp"), invoiceID: invoiceID, customerID: invoice.customerID, reason: reason,
                status: .open, createdAt: op.now, source: source)
            guard try await disputes.open(dispute, tenantID: tenant.id, on: op.connection) else {
                throw EngineError.conflict("Invoice \(invoice.number) already has an open dispute.")
            }
            op.record(.dispute(.disputeCreated, DisputeJSON(dispute)))
            return dispute
        }
    }

    /// `GET /v1/disputes`: newest first, by customer and status.
    public func list(
        customerID: String?, status: String?, limit: Int, startingAfter: String?, tenant: Tenant
    ) async throws -> (disputes: [Dispute], hasMore: Bool) {
        let filter = try ListFilters<Dispute.Status>(customer: customerID, status: status)
        return try await operations.read(tenant) { op in
            try await disputes.list(
                customerID: filter.customerID, status: filter.state, limit: limit + 1, startingAfter: startingAfter,
                tenantID: tenant.id, on: op.connection)
        }.page(limit)
    }

    /// A resolved dispute gives the item back to dunning, which looks at the customer at once.
    public func resolve(_ id: String, resolution: String?, tenant: Tenant, idempotency: Idempotency<Dispute>?)
        async throws -> OperationOutcome<Dispute>
    {
        try await operations.run(tenant, idempotency: idempotency) { op in
            guard
                let dispute = try await disputes.resolve(
                    id, resolution: resolution, tenantID: tenant.id, now: op.now, on: op.connection)
            else { throw EngineError.notFound(resource: "open dispute", id: id) }
            op.openItemsMoved(for: [dispute.customerID])
            op.record(.dispute(.disputeResolved, DisputeJSON(dispute)))
            return dispute
        }
    }
}
