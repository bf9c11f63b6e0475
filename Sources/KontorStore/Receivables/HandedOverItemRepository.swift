import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Items handed over to the collection agency, with what the agency needs to pursue them: the
/// debtor's address and kind, the claim as it stands today, and the dunning that preceded it.
public struct HandedOverItemRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// One handed-over item.
    public struct Row: Sendable {
        public let item: OpenItem
        public let status: String
        public let billingReason: String
        /// Local date (tenant zone) of the hand-over.
        public let handedOverOn: LocalDate
        public let paid: Int64
        public let credited: Int64
        public let writtenOff: Int64
        public let customerName: String?
        public let customerKind: String
        public let email: String?
        public let addressLine1: String?
        public let addressLine2: String?
        public let postalCode: String?
        public let city: String?
        public let country: String?
        public let taxID: String?
        /// Dunning notices that demanded this item (listed it overdue): how many, the first and
        /// last date, and the last level's name.
        public let notices: Int
        public let firstNoticeOn: LocalDate?
        public let lastNoticeOn: LocalDate?
        public let lastLevelName: String?
        /// Since when the customer is in default (Verzug), the start of statutory interest.
        public let inDefaultSince: LocalDate?
    }

    /// Items handed over between `from` and `to` (local dates in `timeZone`, both optional and
    /// inclusive), optionally of one customer, in hand-over and customer order. Paid and
    /// written-off items stay in the list with their status, so the agency can close them.
    public func list(
        from: LocalDate?, to: LocalDate?, customerID: String?, timeZone: String, tenantID: String,
        on conn: PostgresConnection
    ) async throws -> [Row] {
        let rows = try await conn.query(
            """
            SELECT i.invoice_id, i.number, i.customer_id, i.issue_date, i.due_date, i.total,
                   i.total - i.amount_paid - i.amount_credited - i.amount_written_off, i.currency,
                   i.status, i.billing_reason, (i.handed_over_at AT TIME ZONE \(timeZone))::date,
                   i.amount_paid, i.amount_credited, i.amount_written_off,
                   c.name, c.kind, c.email, c.address_line1, c.address_line2, c.postal_code, c.city, c.country,
                   c.tax_id, n.notices, n.first_on, n.last_on, n.last_level, dc.default_since
            FROM invoices i
            JOIN customers c ON c.tenant_id = i.tenant_id AND c.customer_id = i.customer_id
            CROSS JOIN LATERAL (
                SELECT count(*)::int AS notices, min(notice_date) AS first_on, max(notice_date) AS last_on,
                       (array_agg(level_name ORDER BY seq DESC))[1] AS last_level
                FROM dunning_notices d
                WHERE d.tenant_id = i.tenant_id AND d.customer_id = i.customer_id
                  AND d.items @> jsonb_build_array(jsonb_build_object('invoice', i.invoice_id, 'overdue', true))
            ) n
            LEFT JOIN dunning_cases dc ON dc.tenant_id = i.tenant_id AND dc.customer_id = i.customer_id
            WHERE i.tenant_id = \(tenantID) AND i.handed_over_at IS NOT NULL
              AND (\(customerID)::text IS NULL OR i.customer_id = \(customerID))
              AND (\(from)::date IS NULL OR (i.handed_over_at AT TIME ZONE \(timeZone))::date >= \(from))
              AND (\(to)::date IS NULL OR (i.handed_over_at AT TIME ZONE \(timeZone))::date <= \(to))
            ORDER BY i.handed_over_at, i.customer_id, i.due_date, i.seq
            """,
            logger: logger.forQuery
        )
        var result: [Row] = []
        for try await r in rows.decode(
            (
                String, String, String, LocalDate, LocalDate, Int64, Int64, String, String, String, LocalDate,
                Int64, Int64, Int64, String?, String, String?, String?, String?, String?, String?, String?,
                String?, Int, LocalDate?, LocalDate?, String?, LocalDate?
            ).self
        ) {
            result.append(
                Row(
                    item: OpenItem(
                        id: r.0, number: r.1, customerID: r.2, issueDate: r.3, dueDate: r.4, total: r.5, open: r.6,
                        currency: r.7),
                    status: r.8, billingReason: r.9, handedOverOn: r.10, paid: r.11, credited: r.12,
                    writtenOff: r.13, customerName: r.14, customerKind: r.15, email: r.16, addressLine1: r.17,
                    addressLine2: r.18, postalCode: r.19, city: r.20, country: r.21, taxID: r.22, notices: r.23,
                    firstNoticeOn: r.24, lastNoticeOn: r.25, lastLevelName: r.26, inDefaultSince: r.27))
        }
        return result
    }
}
