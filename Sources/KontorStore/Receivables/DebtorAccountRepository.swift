import Foundation
import KontorCore
import Logging
import PostgresNIO

/// The debtor account (Kontoauszug) and the balance list per debtor (Saldenliste), read from
/// the receivable account of the ledger: the books, not the invoices' running fields, so both
/// reconcile with the ledger by construction. Each reads one debtor's index range
/// (`ledger_entries_debtor`).
public struct DebtorAccountRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    /// The customer's receivable balance per currency booked before `day`.
    public func opening(
        customerID: String, before day: LocalDate, tenantID: String, on conn: PostgresConnection
    ) async throws -> [String: Int64] {
        let rows = try await conn.query(
            """
            SELECT currency, sum(amount)::bigint FROM ledger_entries
            WHERE tenant_id = \(tenantID) AND customer_id = \(customerID)
              AND account = \(LedgerAccount.receivable.rawValue) AND booking_date < \(day)
            GROUP BY currency
            """,
            logger: logger.forQuery
        )
        var result: [String: Int64] = [:]
        for try await (currency, sum) in rows.decode((String, Int64).self) { result[currency] = sum }
        return result
    }

    /// Every booking on the customer's receivable from `from` through `through`, one line per
    /// document and day (a payment's allocations to several invoices are one line naming
    /// them), with the dunning notices and disputes of the span, in the order they happened;
    /// at most `limit` lines.
    public func entries(
        customerID: String, from: LocalDate, through: LocalDate, limit: Int, tenantID: String,
        on conn: PostgresConnection
    ) async throws -> [DebtorAccount.Entry] {
        let rows = try await conn.query(
            """
            SELECT d, kind, id, number, currency, amount, reason, text, claimed FROM (
              SELECT e.booking_date AS d, e.document_type AS kind, e.document_id AS id,
                     coalesce(e.document_number, e.document_id) AS number, e.currency, sum(e.amount)::bigint AS amount,
                     min(i.billing_reason) AS reason,
                     (SELECT string_agg(DISTINCT ai.number, ', ') FROM allocations a
                      JOIN invoices ai ON ai.tenant_id = a.tenant_id AND ai.invoice_id = a.invoice_id
                      WHERE a.tenant_id = e.tenant_id AND a.source_id = e.document_id AND a.customer_id = e.customer_id
                        AND e.document_type IN ('payment', 'payment_return', 'credit_note')) AS text,
                     NULL::bigint AS claimed, 0 AS sort, min(e.entry_id) AS ord
              FROM ledger_entries e
              LEFT JOIN invoices i ON e.document_type = 'invoice' AND i.tenant_id = e.tenant_id
                                  AND i.invoice_id = e.document_id
              WHERE e.tenant_id = \(tenantID) AND e.customer_id = \(customerID)
                AND e.account = \(LedgerAccount.receivable.rawValue)
                AND e.booking_date BETWEEN \(from) AND \(through)
              GROUP BY e.tenant_id, e.customer_id, e.booking_date, e.document_type, e.document_id, e.document_number,
                       e.currency
              UNION ALL
              SELECT n.notice_date, 'dunning_notice', n.notice_id, n.level_name, n.currency, NULL, NULL,
                     NULL, n.items_total, 1, n.seq
              FROM dunning_notices n
              WHERE n.tenant_id = \(tenantID) AND n.customer_id = \(customerID)
                AND n.notice_date BETWEEN \(from) AND \(through)
              UNION ALL
              SELECT (d.created_at AT TIME ZONE 'UTC')::date, 'dispute', d.dispute_id, i.number, i.currency, NULL,
                     NULL, d.status || ': ' || d.reason, NULL, 2, 0
              FROM disputes d
              JOIN invoices i ON i.tenant_id = d.tenant_id AND i.invoice_id = d.invoice_id
              WHERE d.tenant_id = \(tenantID) AND d.customer_id = \(customerID)
                AND (d.created_at AT TIME ZONE 'UTC')::date BETWEEN \(from) AND \(through)
            ) lines
            ORDER BY d, sort, ord, id
            LIMIT \(limit)
            """,
            logger: logger.forQuery
        )
        var result: [DebtorAccount.Entry] = []
        for try await r in rows.decode(
            (LocalDate, String, String, String, String, Int64?, String?, String?, Int64?).self)
        {
            guard let kind = DebtorAccount.Kind(documentType: r.1, billingReason: r.6) else { continue }
            result.append(
                DebtorAccount.Entry(
                    date: r.0, kind: kind, documentID: r.2, number: r.3, currency: r.4, amount: r.5, text: r.7,
                    claimed: r.8))
        }
        return result
    }

    /// A page of the Saldenliste for `from` through `through`: per customer and currency with
    /// anything on the receivable up to `through`, after `cursor`, in customer order.
    public func balances(
        from: LocalDate, through: LocalDate, customerID: String?, after cursor: DebtorBalanceCursor?, limit: Int,
        tenantID: String, on conn: PostgresConnection
    ) async throws -> [DebtorBalance] {
        let rows = try await conn.query(
            """
            SELECT c.customer_id, c.name, b.currency, b.opening, b.debits, b.credits
            FROM customers c
            CROSS JOIN LATERAL (
              SELECT e.currency,
                     coalesce(sum(e.amount) FILTER (WHERE e.booking_date < \(from)), 0)::bigint AS opening,
                     coalesce(sum(e.amount) FILTER (WHERE e.booking_date >= \(from) AND e.amount > 0), 0)::bigint AS debits,
                     coalesce(-sum(e.amount) FILTER (WHERE e.booking_date >= \(from) AND e.amount < 0), 0)::bigint AS credits
              FROM ledger_entries e
              WHERE e.tenant_id = c.tenant_id AND e.customer_id = c.customer_id
                AND e.account = \(LedgerAccount.receivable.rawValue) AND e.booking_date <= \(through)
              GROUP BY e.currency) b
            WHERE c.tenant_id = \(tenantID)
              AND (\(customerID)::text IS NULL OR c.customer_id = \(customerID))
              AND (\(cursor?.customerID)::text IS NULL OR c.customer_id >= \(cursor?.customerID))
              AND (\(cursor?.customerID)::text IS NULL
                   OR (c.customer_id, b.currency) > (\(cursor?.customerID), \(cursor?.currency)))
            ORDER BY c.customer_id, b.currency
            LIMIT \(limit)
            """,
            logger: logger.forQuery
        )
        var result: [DebtorBalance] = []
        for try await r in rows.decode((String, String?, String, Int64, Int64, Int64).self) {
            result.append(
                DebtorBalance(
                    customerID: r.0, customerName: r.1,
                    balance: .init(currency: r.2, opening: r.3, debits: r.4, credits: r.5)))
        }
        return result
    }

    /// The Saldenliste's totals per currency, summed two ways: over the debtors (entries with
    /// a customer) and over the whole receivable account. They agree when every receivable
    /// booking names its debtor — the reconciliation the list shows.
    public func balanceTotals(
        from: LocalDate, through: LocalDate, tenantID: String, on conn: PostgresConnection
    ) async throws -> [(debtors: DebtorAccount.Balance, account: Int64)] {
        let rows = try await conn.query(
            """
            SELECT currency,
                   coalesce(sum(amount) FILTER (WHERE customer_id IS NOT NULL AND booking_date < \(from)), 0)::bigint,
                   coalesce(sum(amount) FILTER (WHERE customer_id IS NOT NULL AND booking_date >= \(from) AND amount > 0), 0)::bigint,
                   coalesce(-sum(amount) FILTER (WHERE customer_id IS NOT NULL AND booking_date >= \(from) AND amount < 0), 0)::bigint,
                   sum(amount)::bigint
            FROM ledger_entries
            WHERE tenant_id = \(tenantID) AND account = \(LedgerAccount.receivable.rawValue)
              AND booking_date <= \(through)
            GROUP BY currency ORDER BY currency
            """,
            logger: logger.forQuery
        )
        var result: [(debtors: DebtorAccount.Balance, account: Int64)] = []
        for try await r in rows.decode((String, Int64, Int64, Int64, Int64).self) {
            result.append((DebtorAccount.Balance(currency: r.0, opening: r.1, debits: r.2, credits: r.3), r.4))
        }
        return result
    }
}

extension DebtorAccountRepository {
    /// The receivable's net movement and the gross revenue (revenue and VAT credited, as
    /// `GET /v1/reports/dso` counts it) per month and currency from `from` through `through`.
    public func monthlyMovement(from: LocalDate, through: LocalDate, tenantID: String, on conn: PostgresConnection)
        async throws -> [String: [LocalDate: (net: Int64, sales: Int64)]]
    {
        let rows = try await conn.query(
            """
            SELECT date_trunc('month', booking_date)::date, currency,
                   coalesce(sum(amount) FILTER (WHERE account = \(LedgerAccount.receivable.rawValue)), 0)::bigint,
                   coalesce(-sum(amount) FILTER (WHERE account <> \(LedgerAccount.receivable.rawValue)), 0)::bigint
            FROM ledger_entries
            WHERE tenant_id = \(tenantID)
              AND account IN (\(LedgerAccount.receivable.rawValue), \(LedgerAccount.revenue.rawValue),
                              \(LedgerAccount.vatPayable.rawValue))
              AND booking_date BETWEEN \(from) AND \(through)
            GROUP BY 1, 2
            """,
            logger: logger.forQuery
        )
        var result: [String: [LocalDate: (net: Int64, sales: Int64)]] = [:]
        for try await (month, currency, net, sales) in rows.decode((LocalDate, String, Int64, Int64).self) {
            result[currency, default: [:]][month] = (net, sales)
        }
        return result
    }

    /// What is open now and disputed, and what is open and with the collection agency, per currency.
    public func disputedAndHandedOver(tenantID: String, on conn: PostgresConnection) async throws
        -> [String: (disputed: Int64, handedOver: Int64)]
    {
        // From the open disputes (few) to their items, and the handed-over items: never a probe
        // per open item.
        let rows = try await conn.query(
            """
            SELECT i.currency, sum(i.total - i.amount_paid - i.amount_credited - i.amount_written_off)::bigint, 0::bigint
            FROM disputes d
            JOIN invoices i ON i.tenant_id = d.tenant_id AND i.invoice_id = d.invoice_id
            WHERE d.tenant_id = \(tenantID) AND d.status = \(state: Dispute.Status.open)
              AND i.status = \(state: InvoiceStatus.open)
            GROUP BY i.currency
            UNION ALL
            SELECT currency, 0::bigint, sum(total - amount_paid - amount_credited - amount_written_off)::bigint
            FROM invoices
            WHERE tenant_id = \(tenantID) AND status = \(state: InvoiceStatus.open) AND handed_over_at IS NOT NULL
            GROUP BY currency
            """,
            logger: logger.forQuery
        )
        var result: [String: (disputed: Int64, handedOver: Int64)] = [:]
        for try await (currency, disputed, handed) in rows.decode((String, Int64, Int64).self) {
            let had = result[currency] ?? (0, 0)
            result[currency] = (had.disputed + disputed, had.handedOver + handed)
        }
        return result
    }
}
