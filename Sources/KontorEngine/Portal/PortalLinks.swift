import Foundation
import KontorStore
import Logging
import PostgresNIO

/// The portal URLs of a batch of customers, links made for those without one: what e-mails and
/// letters print (one statement each way, however many customers).
struct PortalLinks: Sendable {
    let links: PortalLinkRepository
    let baseURL: String

    init(logger: Logger, baseURL: String) {
        self.links = PortalLinkRepository(logger: logger)
        self.baseURL = baseURL
    }

    func urls(for customers: [String], tenantID: String, now: Date, on conn: PostgresConnection) async throws
        -> [String: String]
    {
        try await links.ensure(customerIDs: customers, tenantID: tenantID, now: now, on: conn).mapValues {
            PortalLinkService.url(base: baseURL, token: $0)
        }
    }
}
