import Foundation
import KontorCore
import Logging
import PostgresNIO

/// The set-based half of the card-expiry monitor.
///
/// A card is watched while it is active and its customer's default (a card replaced by another
/// default, or given a new expiry, is not warned about). Its notice day is `lead` days before
/// the first day it no longer works, at the start of that day in the tenant's time zone.
public struct CardExpiryRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The longest lead time a tenant may set; bounds the index range the monitor scans.
    static let maxLeadDays = 120

    /// Records every notice due at `now` that has not fired yet and returns them
    /// (tenant, payment method, kind), `expiring` before `expired`. The primary key of
    /// `card_expiry_notices` makes each fire once, whichever node or run gets there first.
    public func recordDue(now: Date, tenantID: String?, on conn: PostgresConnection) async throws -> [(
        tenantID: String, paymentMethodID: String, kind: String
    )] {
        let rows = try await conn.query(
            """
            WITH watched AS (
                SELECT pm.tenant_id, pm.payment_method_id, pm.card_expires_on,
                       ((pm.card_expires_on - t.card_expiry_lead_days)::timestamp AT TIME ZONE t.time_zone) AS notice_at,
                       (pm.card_expires_on::timestamp AT TIME ZONE t.time_zone) AS expires_at
                FROM payment_methods pm
                JOIN tenants t ON t.tenant_id = pm.tenant_id
                JOIN customers c ON c.tenant_id = pm.tenant_id AND c.customer_id = pm.customer_id
                                AND c.default_payment_method = pm.payment_method_id
                WHERE pm.type = 'card' AND pm.status = \(state: PaymentMethodStatus.active)
                  AND pm.card_expires_on <= (\(now)::date + \(Self.maxLeadDays + 2)::integer)
                  AND (\(tenantID)::text IS NULL OR pm.tenant_id = \(tenantID))
                  AND (\(tenantID)::text IS NOT NULL OR t.test_clock_at IS NULL)
            ), due AS (
                SELECT tenant_id, payment_method_id, card_expires_on, 'expiring' AS kind, 1 AS n
                FROM watched WHERE notice_at <= \(now)
                UNION ALL
                SELECT tenant_id, payment_method_id, card_expires_on, 'expired', 2
                FROM watched WHERE expires_at <= \(now)
            )
            INSERT INTO card_expiry_notices (tenant_id, payment_method_id, expires_on, kind, fired_at)
            SELECT tenant_id, payment_method_id, card_expires_on, kind, \(now) FROM due ORDER BY n
            ON CONFLICT DO NOTHING
            RETURNING tenant_id, payment_method_id, kind
            """,
            logger: logger.forQuery
        )
        var fired: [(tenantID: String, paymentMethodID: String, kind: String)] = []
        for try await (tenant, pm, kind) in rows.decode((String, String, String).self) {
            fired.append((tenant, pm, kind))
        }
        return fired.sorted { ($0.kind == "expiring" ? 0 : 1) < ($1.kind == "expiring" ? 0 : 1) }
    }

    /// The earliest notice instant of a tenant's watched cards that has not fired and is at or
    /// before `target` (the test clock steps there).
    public func nextDue(tenantID: String, before target: Date, on conn: PostgresConnection) async throws -> Date? {
        let rows = try await conn.query(
            """
            SELECT min(at) FROM (
                SELECT CASE k.kind
                         WHEN 'expiring' THEN ((pm.card_expires_on - t.card_expiry_lead_days)::timestamp AT TIME ZONE t.time_zone)
                         ELSE (pm.card_expires_on::timestamp AT TIME ZONE t.time_zone) END AS at
                FROM payment_methods pm
                JOIN tenants t ON t.tenant_id = pm.tenant_id
                JOIN customers c ON c.tenant_id = pm.tenant_id AND c.customer_id = pm.customer_id
                                AND c.default_payment_method = pm.payment_method_id
                CROSS JOIN (VALUES ('expiring'), ('expired')) AS k(kind)
                WHERE pm.tenant_id = \(tenantID) AND pm.type = 'card' AND pm.status = \(state: PaymentMethodStatus.active)
                  AND NOT EXISTS (SELECT 1 FROM card_expiry_notices n
                                  WHERE n.tenant_id = pm.tenant_id AND n.payment_method_id = pm.payment_method_id
                                    AND n.expires_on = pm.card_expires_on AND n.kind = k.kind)
            ) AS pending WHERE at <= \(target)
            """,
            logger: logger.forQuery
        )
        for try await at in rows.decode(Date?.self) { return at }
        return nil
    }
}
