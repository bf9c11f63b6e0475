import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// What one business operation of one tenant works with: its transaction, its one `now`, the
/// tenant's profile (read at most once), and what it records for the commit — events, written
/// in one statement, and follow-ups, run once after the commit.
///
/// Lives only inside `OperationRunner.run`; never stored or shared across tasks.
public final class OperationContext {
    public let connection: PostgresConnection
    public let tenant: Tenant
    /// The operation's instant: every row it writes carries this time.
    public let now: Date
    let tenants: TenantRepository
    let outbox: EventOutbox
    let audit: AuditRepository
    private var cachedProfile: TenantProfile?
    private(set) var events: [DomainEvent] = []
    private(set) var followUps = FollowUps()

    init(connection: PostgresConnection, tenant: Tenant, now: Date, tenants: TenantRepository, outbox: EventOutbox) {
        self.audit = AuditRepository(logger: outbox.logger)
        self.connection = connection
        self.tenant = tenant
        self.now = now
        self.tenants = tenants
        self.outbox = outbox
    }

    /// The tenant's settings as of this transaction; read once however often asked.
    public func profile() async throws -> TenantProfile {
        if let cachedProfile { return cachedProfile }
        let profile = try await tenants.profile(tenant.id, on: connection)
        cachedProfile = profile
        return profile
    }

    /// The tenant's calendar day at `now`.
    public func today() async throws -> LocalDate {
        LocalDate(instant: now, in: try await profile().zone)
    }

    /// Announces `event` if and only if the operation commits.
    public func record(_ event: DomainEvent) {
        events.append(event)
    }

    /// Writes the events recorded so far, in one statement, so that they come before what the
    /// next step announces on its own (an issued invoice's `invoice.finalized` follows the
    /// `subscription.created` that caused it). The runner writes the rest at the commit.
    /// Writes the recorded events and, in the same transaction, one audit row per event: who
    /// (`AuditContext`), why, and the object after the change (before: as the trail last saw it).
    public func publishRecorded() async throws {
        guard !events.isEmpty else { return }
        let drafts = try events.map { try $0.draft(at: now) }
        try await outbox.append(drafts, tenantID: tenant.id, livemode: tenant.livemode, on: connection)
        try await audit.append(
            zip(events, drafts).map { (e, d) in (e.type.rawValue, e.type.family, e.objectID, d.data) },
            actor: AuditContext.actor ?? .system, reason: AuditContext.reason, at: now, tenantID: tenant.id,
            on: connection)
        events = []
    }

    /// The open items of these customers moved: dunning looks at them again after the commit.
    public func openItemsMoved(for customerIDs: some Sequence<String>) {
        followUps.dunningCustomers.formUnion(customerIDs)
    }

    /// Invoices were issued: collection charges what is due automatically after the commit.
    public func invoicesIssued() {
        followUps.collect = true
    }
}
