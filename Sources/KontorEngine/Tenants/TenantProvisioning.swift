import Foundation
import KontorStore

/// What every tenant starts with, however it was made (`kontor serve`'s default tenant,
/// `kontor tenants create`, a test): the plan catalog and the dunning policies of `Plans/`.
/// Without the policies a customer could name none of them, and dunning would fall back to the
/// built-in default whatever the merchant shipped.
public struct TenantProvisioning: Sendable {
    let database: Database
    /// The catalog directory (`Plans/`); the policies are in its `dunning/`.
    let catalog: URL

    public init(database: Database, catalog: URL = CatalogService.defaultDirectory) {
        self.database = database
        self.catalog = catalog
    }

    /// Syncs the catalog and the dunning policies into these tenants (what a tenant changed
    /// through the API is left alone).
    public func provision(tenantIDs: [String], now: Date) async throws {
        let engine = Engine(database: database)
        _ = try await engine.catalog.sync(directory: catalog, tenantIDs: tenantIDs, now: now)
        _ = try await engine.dunningPolicies.sync(
            directory: DunningPolicies.directory(catalog: catalog), tenantIDs: tenantIDs, now: now)
    }
}
