import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// A tenant's plan catalog: synced from `Plans/`, or managed through the API.
public struct CatalogService: Sendable {
    let database: Database
    let operations: OperationRunner
    let plans: PlanRepository
    let tenants: TenantRepository

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.operations = operations
        self.plans = PlanRepository(logger: database.logger)
        self.tenants = TenantRepository(database: database)
    }

    /// `Plans/` of the working directory, else the one in the source tree.
    public static var defaultDirectory: URL {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent("Plans")
        if FileManager.default.fileExists(atPath: cwd.path) { return cwd }
        return MigrationFile.sourceRoot.appendingPathComponent("Plans")
    }

    public struct SyncReport: Sendable, Equatable {
        public var tenants = 0
        public var added: [String] = []
        public var unchanged = 0
        /// Plans the tenant manages through the API; sync leaves those alone.
        public var skipped: [String] = []
    }

    /// Validates every file first (throwing `YAMLCatalog.Failure` with every issue, having
    /// applied nothing), then stores changed plans as new versions for each tenant (all when
    /// `tenantIDs` is nil), each tenant in one transaction.
    @discardableResult
    public func sync(directory: URL, tenantIDs: [String]? = nil, now: Date) async throws -> SyncReport {
        let catalog = try YAMLCatalog.load(directory: directory)
        let ids: [String]
        if let tenantIDs { ids = tenantIDs } else { ids = try await tenants.allIDs() }
        var report = SyncReport()
        for tenantID in ids {
            try await database.transaction { conn in
                for plan in catalog {
                    if let current = try await plans.current(plan.code, tenantID: tenantID, on: conn),
                        current.source == "api"
                    {
                        report.skipped.append("\(tenantID)/\(plan.code)")
                        continue
                    }
                    let (version, added) = try await plans.store(
                        plan, source: "catalog", tenantID: tenantID, now: now, on: conn
                    )
                    if added {
                        report.added.append("\(tenantID)/\(plan.code)@\(version)")
                    } else {
                        report.unchanged += 1
                    }
                }
            }
            report.tenants += 1
        }
        return report
    }

    /// `PUT /v1/plans/{code}`: validates, then stores a new version if anything changed.
    public func put(code: String, definition: CatalogNode, tenant: Tenant) async throws -> (PlanVersion, created: Bool)
    {
        guard PlanParser.isValidCode(code) else {
            throw ValidationError(field: "code", message: "must be 1 to 64 of a-z, 0-9, _ and -")
        }
        let plan: Plan
        switch PlanParser.parse(definition, expectedCode: code) {
        case .success(let parsed): plan = parsed
        case .failure(let error):
            throw ValidationError(error.issues.map { FieldError(field: $0.field, message: $0.message) })
        }
        return try await operations.run(tenant) { op in
            let conn = op.connection
            let (version, added) = try await plans.store(
                plan, source: "api", tenantID: tenant.id, now: op.now, on: conn)
            guard let stored = try await plans.find(code, version: version, tenantID: tenant.id, on: conn) else {
                throw StoreError.notFound
            }
            return (stored, added)
        }
    }

    public func get(_ code: String, version: Int?, tenant: Tenant) async throws -> PlanVersion {
        let found = try await database.withConnection { conn in
            if let version { return try await plans.find(code, version: version, tenantID: tenant.id, on: conn) }
            return try await plans.current(code, tenantID: tenant.id, on: conn)
        }
        guard let found else { throw EngineError.notFound(resource: "plan", id: code) }
        return found
    }

    public func list(tenant: Tenant) async throws -> [PlanVersion] {
        try await database.withConnection { try await plans.listCurrent(tenantID: tenant.id, on: $0) }
    }
}
