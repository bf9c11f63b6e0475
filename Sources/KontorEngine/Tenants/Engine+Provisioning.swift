import Foundation
import KontorStore

extension Engine {
    /// What every tenant starts with, however it was made (`kontor serve`'s default tenant,
    /// `kontor tenants create`, a test): the plan catalog and the dunning policies of `Plans/`
    /// (the policies are in its `dunning/`). Without the policies a customer could name none of
    /// them, and dunning would fall back to the built-in default whatever the merchant shipped.
    /// What a tenant changed through the API is left alone.
    public func provision(tenantIDs: [String], now: Date, catalog: URL = CatalogService.defaultDirectory)
        async throws
    {
        _ = try await self.catalog.sync(directory: catalog, tenantIDs: tenantIDs, now: now)
        _ = try await dunningPolicies.sync(
            directory: DunningPolicies.directory(catalog: catalog), tenantIDs: tenantIDs, now: now)
    }
}
