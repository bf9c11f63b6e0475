import Foundation
import KontorCore
import KontorStore

/// Reads a customer's dunning and notices for the API.
public struct DunningQueries: Sendable {
    let operations: OperationRunner
    let repository: DunningRepository
    let customers: CustomerRepository
    let policies: DunningPolicies

    init(database: Database, operations: OperationRunner, policies: DunningPolicies) {
        self.operations = operations
        self.repository = DunningRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
        self.policies = policies
    }

    public func customer(_ id: String, tenant: Tenant) async throws -> CustomerDunningJSON {
        try await operations.read(tenant) { op in
            let conn = op.connection
            guard Identifier.looksValid(id, prefix: "cus"),
                let customer = try await customers.find(id, tenant: tenant, on: conn)
            else { throw EngineError.notFound(resource: "customer", id: id) }
            let state = try await repository.state(customerID: id, tenantID: tenant.id, on: conn)
            let notices = try await repository.notices(customerID: id, noticeID: nil, tenantID: tenant.id, on: conn)
            let policies = try await policies.resolved(tenantID: tenant.id, on: conn)
            let code = customer.fields.dunningPolicy.flatMap { policies[$0] == nil ? nil : $0 } ?? "default"
            let level = state?.state.level ?? 0
            return CustomerDunningJSON(
                customer: id, policy: code, caseNumber: state?.caseNo ?? 1, level: level,
                levelName: level > 0 ? policies[code]?.levels[level - 1].name : nil,
                levelReachedOn: state?.state.levelReachedOn?.description,
                inDefaultSince: state?.state.defaultSince?.description,
                interestCharged: state?.state.interestCharged ?? 0, notices: notices.map(DunningNoticeJSON.init))
        }
    }

    public func notice(_ id: String, tenant: Tenant) async throws -> DunningNoticeJSON {
        guard
            let n = try await operations.read(
                tenant,
                {
                    try await repository.notices(customerID: nil, noticeID: id, tenantID: tenant.id, on: $0.connection)
                }
            ).first
        else { throw EngineError.notFound(resource: "dunning notice", id: id) }
        return DunningNoticeJSON(n)
    }
}
