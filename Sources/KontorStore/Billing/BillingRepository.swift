import Foundation
import KontorCore
import Logging
import PostgresNIO

/// The buyer of an invoice as the customer record says now; the invoice keeps a copy.
public struct BuyerSnapshot: Sendable, Equatable {
    public let name: String?
    public let address: String?
    public let country: String?
    public let kind: CustomerKind
    public let vatID: String?
    public let taxExempt: Bool

    public init(
        name: String?, address: String?, country: String?, kind: CustomerKind, vatID: String?, taxExempt: Bool
    ) {
        self.name = name
        self.address = address
        self.country = country
        self.kind = kind
        self.vatID = vatID
        self.taxExempt = taxExempt
    }

    public init(_ customer: Customer) {
        let f = customer.fields
        self.init(
            name: f.name,
            address: Self.address(f.addressLine1, f.addressLine2, f.postalCode, f.city, f.country?.code),
            country: f.country?.code, kind: f.kind, vatID: f.taxID?.description, taxExempt: f.taxExempt
        )
    }

    static func address(_ line1: String?, _ line2: String?, _ postal: String?, _ city: String?, _ country: String?)
        -> String?
    {
        let cityLine = [postal, city].compactMap { $0 }.joined(separator: " ")
        let lines = [line1, line2, cityLine.isEmpty ? nil : cityLine, country].compactMap { $0 }
        return lines.isEmpty ? nil : lines.joined(separator: "\n")
    }
}

/// A subscription claimed by a billing run, with what its invoice needs about the buyer.
public struct DueSubscription: Sendable {
    public let tenantID: String
    public let subscription: Subscription
    public let buyer: BuyerSnapshot

    public init(tenantID: String, subscription: Subscription, buyer: BuyerSnapshot) {
        self.tenantID = tenantID
        self.subscription = subscription
        self.buyer = buyer
    }
}

/// Where a run's last claim ended, in claim order.
public struct ClaimCursor: Sendable, Equatable {
    public let dueAt: Date
    public let tenantID: String
    public let subscriptionID: String
}

/// The billing run's reads and writes, all set-based.
public struct BillingRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// Locks up to `limit` subscriptions whose next boundary is at or before `now`, skipping
    /// rows another run holds (`FOR UPDATE SKIP LOCKED`), earliest first. With `tenantID`, only
    /// that tenant's (the test clock's run); without, every tenant not on a test clock.
    ///
    /// `after` continues behind the previous claim of the same run. Rows skipped because
    /// another transaction held them are found again by the next run, which starts afresh.
    public func claimDue(
        now: Date, tenantID: String?, limit: Int, after cursor: ClaimCursor? = nil, on conn: PostgresConnection
    ) async throws -> (due: [DueSubscription], cursor: ClaimCursor?) {
        let start = cursor ?? ClaimCursor(dueAt: .distantPast, tenantID: "", subscriptionID: "")
        let rows = try await conn.query(
            """
            WITH due AS (
                SELECT s.tenant_id, s.subscription_id, s.next_billing_at FROM subscriptions s
                WHERE s.next_billing_at <= \(now)
                  AND (s.next_billing_at, s.tenant_id, s.subscription_id)
                      > (\(start.dueAt), \(start.tenantID), \(start.subscriptionID))
                  AND (\(tenantID)::text IS NULL OR s.tenant_id = \(tenantID))
                  AND (\(tenantID)::text IS NOT NULL OR NOT EXISTS (
                      SELECT 1 FROM tenants t WHERE t.tenant_id = s.tenant_id AND t.test_clock_at IS NOT NULL))
                ORDER BY s.next_billing_at, s.tenant_id, s.subscription_id
                LIMIT \(limit)
                FOR UPDATE OF s SKIP LOCKED
            )
            SELECT \(unescaped: SubscriptionRepository.columns(prefix: "s.")), s.tenant_id,
                   c.name, c.address_line1, c.address_line2, c.postal_code, c.city, c.country, c.kind, c.tax_id,
                   c.tax_exempt, due.next_billing_at
            FROM due
            JOIN subscriptions s ON s.tenant_id = due.tenant_id AND s.subscription_id = due.subscription_id
            JOIN customers c ON c.tenant_id = s.tenant_id AND c.customer_id = s.customer_id
            ORDER BY due.next_billing_at, due.tenant_id, due.subscription_id
            """,
            logger: logger.forQuery
        )
        var result: [DueSubscription] = []
        var last: ClaimCursor?
        for try await row in rows {
            let subscription = try SubscriptionRepository.decode(row)
            let cells = row.makeRandomAccess()
            let tenant = try cells[28].decode(String.self)
            let c = (
                try cells[29].decode(String?.self), try cells[30].decode(String?.self),
                try cells[31].decode(String?.self), try cells[32].decode(String?.self),
                try cells[33].decode(String?.self), try cells[34].decode(String?.self),
                try cells[35].decode(String.self), try cells[36].decode(String?.self), try cells[37].decode(Bool.self)
            )
            let buyer = BuyerSnapshot(
                name: c.0, address: BuyerSnapshot.address(c.1, c.2, c.3, c.4, c.5), country: c.5,
                kind: CustomerKind(rawValue: c.6) ?? .consumer, vatID: c.7, taxExempt: c.8
            )
            result.append(DueSubscription(tenantID: tenant, subscription: subscription, buyer: buyer))
            last = ClaimCursor(
                dueAt: try cells[38].decode(Date.self), tenantID: tenant, subscriptionID: subscription.id
            )
        }
        return (result, last ?? cursor)
    }

    /// Saves the billing state of many subscriptions with one statement.
    public func saveBillingState(_ subscriptions: [Subscription], tenantID: String, on conn: PostgresConnection)
        async throws
    {
        guard !subscriptions.isEmpty else { return }
        func date(_ d: LocalDate?) -> String { d?.description ?? "" }
        let far = Date(timeIntervalSince1970: 0)
        _ = try await conn.query(
            """
            UPDATE subscriptions s SET
                status = u.status, plan_code = u.plan_code, plan_version = u.plan_version, quantity = u.quantity,
                current_period_start = NULLIF(u.ps, '')::date, current_period_end = NULLIF(u.pe, '')::date,
                current_period_trial = u.trial, next_billing_date = NULLIF(u.nd, '')::date,
                next_billing_at = CASE WHEN u.nd = '' THEN NULL ELSE u.na END, ended_on = NULLIF(u.ended, '')::date,
                pending_plan_code = NULLIF(u.ppc, ''), pending_plan_version = NULLIF(u.ppv, 0),
                pending_quantity = NULLIF(u.pq, 0), updated_at = u.updated
            FROM unnest(\(subscriptions.map(\.id)), \(subscriptions.map(\.status.rawValue)),
                        \(subscriptions.map(\.planCode)), \(subscriptions.map { Int32($0.planVersion) }),
                        \(subscriptions.map(\.quantity)), \(subscriptions.map { date($0.currentPeriodStart) }),
                        \(subscriptions.map { date($0.currentPeriodEnd) }), \(subscriptions.map(\.currentPeriodTrial)),
                        \(subscriptions.map { date($0.nextBillingDate) }), \(subscriptions.map { $0.nextBillingAt ?? far }),
                        \(subscriptions.map { date($0.endedOn) }), \(subscriptions.map { $0.pendingPlanCode ?? "" }),
                        \(subscriptions.map { Int32($0.pendingPlanVersion ?? 0) }),
                        \(subscriptions.map { $0.pendingQuantity ?? 0 }), \(subscriptions.map(\.updatedAt)))
                AS u(id, status, plan_code, plan_version, quantity, ps, pe, trial, nd, na, ended, ppc, ppv, pq, updated)
            WHERE s.tenant_id = \(tenantID) AND s.subscription_id = u.id
            """,
            logger: logger.forQuery
        )
    }
}
