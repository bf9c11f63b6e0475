import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO

/// Runs business operations: one operation of one tenant is one transaction with one `now`,
/// its idempotency claim, its events written in one statement, and its follow-ups run once
/// after the commit.
///
/// Invariants: an idempotency key is recorded if and only if its operation committed; an event
/// exists if and only if its change committed; follow-ups never run for a replay or a rollback.
public struct OperationRunner: Sendable {
    let database: Database
    let clock: any BillingClock
    let tenants: TenantRepository
    let keys: IdempotencyRepository
    let outbox: EventOutbox
    let followUps: FollowUpRunner

    init(database: Database, clock: any BillingClock, followUps: FollowUpRunner) {
        self.database = database
        self.clock = clock
        self.tenants = TenantRepository(database: database)
        self.keys = IdempotencyRepository(logger: database.logger)
        self.outbox = EventOutbox(logger: database.logger)
        self.followUps = followUps
    }

    /// An operation without an idempotency key.
    public func run<Result: Sendable>(
        _ tenant: Tenant, _ body: (OperationContext) async throws -> Result
    ) async throws -> Result {
        switch try await run(tenant, idempotency: nil as Idempotency<Result>?, body) {
        case .performed(let result): return result
        case .replayed: preconditionFailure("no key, no replay")
        }
    }

    /// A read: one connection, one `now`, the profile at most once; nothing is written, so it
    /// records no events and leaves no follow-ups.
    public func read<Result: Sendable>(
        _ tenant: Tenant, _ body: (OperationContext) async throws -> Result
    ) async throws -> Result {
        let now = try await clock.now(for: tenant)
        return try await database.withConnection { conn in
            let context = OperationContext(
                connection: conn, tenant: tenant, now: now, tenants: tenants, outbox: outbox)
            let result = try await body(context)
            precondition(context.events.isEmpty && context.followUps.isEmpty, "a read announced a change")
            return result
        }
    }

    /// A report: a read in one read-only snapshot, served by the read replica when there is
    /// one that has caught up with this moment (`Database.report`), else by the primary.
    public func report<Result: Sendable>(
        _ tenant: Tenant, _ body: (OperationContext) async throws -> Result
    ) async throws -> Result {
        let now = try await clock.now(for: tenant)
        return try await database.report { conn in
            let context = OperationContext(
                connection: conn, tenant: tenant, now: now, tenants: tenants, outbox: outbox)
            return try await body(context)
        }
    }

    /// An operation that a client may retry with an idempotency key: a replay returns the stored
    /// answer without running `body`; the same key for another request is a conflict.
    public func run<Result: Sendable>(
        _ tenant: Tenant, idempotency: Idempotency<Result>?, _ body: (OperationContext) async throws -> Result
    ) async throws -> OperationOutcome<Result> {
        let now = try await clock.now(for: tenant)
        // With a key, a second run after a COMMIT lost in a failover finds the first (a replay).
        let (outcome, followUps) = try await database.transaction(idempotent: idempotency != nil) {
            conn -> (OperationOutcome<Result>, FollowUps) in
            if let idempotency {
                let r = idempotency.request
                switch try await keys.claim(key: r.key, requestHash: r.fingerprint, tenant: tenant, on: conn) {
                case .replay(let stored): return (.replayed(stored), FollowUps())
                case .mismatch: throw EngineError.idempotencyKeyReused
                case .fresh: break
                }
            }
            let context = OperationContext(
                connection: conn, tenant: tenant, now: now, tenants: tenants, outbox: outbox)
            let result = try await body(context)
            try await context.publishRecorded()
            if let idempotency {
                let r = idempotency.request
                try await keys.record(
                    key: r.key, requestHash: r.fingerprint, method: r.method, path: r.path,
                    response: try idempotency.respond(result), tenant: tenant, on: conn)
            }
            return (.performed(result), context.followUps)
        }
        await self.followUps.run(followUps, tenantID: tenant.id, now: now)
        return outcome
    }
}
