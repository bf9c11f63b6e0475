import Foundation
import KontorCore
import Logging
import PostgresNIO

/// Direct debits for bank files. A debit moves scheduled → batched → settled (or scheduled →
/// canceled), each move one UPDATE guarded by the state it leaves, so two nodes never move one
/// debit twice; gathering for a batch locks with SKIP LOCKED, so a debit is never in two files.
public struct SEPADebitRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) {
        self.logger = logger
    }

    static let columns = """
        d.debit_id, d.end_to_end_id, d.invoice_id, d.customer_id, d.payment_method_id, d.payment_id, d.amount,
        d.currency, d.planned_on, d.collection_date, d.scheme, d.sequence_type, d.mandate_reference,
        d.mandate_signed_on, d.debtor_name, d.debtor_iban, d.original_mandate_reference, d.original_iban,
        d.other_bank, d.remittance, d.status, d.batch_id, d.livemode, d.created_at, d.settled_at
        """

    /// Schedules a debit; false when its invoice already has one on its way.
    public func insert(_ d: SEPADebitRecord, tenantID: String, on conn: PostgresConnection) async throws -> Bool {
        let a = d.amendment
        let rows = try await conn.query(
            """
            INSERT INTO sepa_debits (tenant_id, debit_id, end_to_end_id, invoice_id, customer_id, payment_method_id,
                payment_id, amount, currency, planned_on, scheme, sequence_type, mandate_reference, mandate_signed_on,
                debtor_name, debtor_iban, original_mandate_reference, original_iban, other_bank, remittance, status,
                livemode, created_at)
            VALUES (\(tenantID), \(d.id), \(d.endToEndID), \(d.invoiceID), \(d.customerID), \(d.paymentMethodID),
                \(d.paymentID), \(d.amount), \(d.currency), \(d.plannedOn), \(d.scheme.rawValue),
                \(d.sequenceType.rawValue), \(d.mandateReference), \(d.mandateSignedOn), \(d.debtorName),
                \(d.debtorIBAN), \(a?.originalMandateReference), \(a?.originalIBAN), \(a?.otherBank ?? false),
                \(d.remittance), \(d.status.rawValue), \(d.livemode), \(d.createdAt))
            ON CONFLICT (tenant_id, invoice_id) WHERE status IN ('scheduled', 'batched') DO NOTHING
            RETURNING 1
            """,
            logger: logger.forQuery
        )
        for try await _ in rows { return true }
        return false
    }

    /// Before a batch: scheduled debits whose invoice owes less now are lowered to what it owes;
    /// those whose invoice owes nothing, or whose mandate was detached, are canceled (an invoice
    /// still open is then collected afresh on the customer's current default method).
    public func reconcileScheduled(tenantID: String, now: Date, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            WITH owed AS (
                SELECT d.debit_id, d.invoice_id,
                       CASE WHEN i.status = \(state: InvoiceStatus.open)
                            THEN i.total - i.amount_paid - i.amount_credited - i.amount_written_off ELSE 0 END AS open,
                       pm.status = 'active' AS usable
                FROM sepa_debits d
                JOIN invoices i ON i.tenant_id = d.tenant_id AND i.invoice_id = d.invoice_id
                JOIN payment_methods pm ON pm.tenant_id = d.tenant_id AND pm.payment_method_id = d.payment_method_id
                WHERE d.tenant_id = \(tenantID) AND d.status = 'scheduled'
                FOR UPDATE OF d SKIP LOCKED
            ), changed AS (
                UPDATE sepa_debits d
                   SET status = CASE WHEN o.open <= 0 OR NOT o.usable THEN 'canceled' ELSE d.status END,
                       amount = CASE WHEN o.open > 0 THEN least(d.amount, o.open) ELSE d.amount END
                FROM owed o
                WHERE d.tenant_id = \(tenantID) AND d.debit_id = o.debit_id
                  AND (o.open < d.amount OR NOT o.usable)
                RETURNING d.invoice_id, d.status, o.open
            )
            UPDATE invoices i SET next_collection_at = \(now)
            FROM changed c
            WHERE i.tenant_id = \(tenantID) AND i.invoice_id = c.invoice_id AND c.status = 'canceled' AND c.open > 0
              AND i.status = \(state: InvoiceStatus.open)
            """,
            logger: logger.forQuery
        )
    }

    /// The scheduled debits a file made on `madeOn` takes: those the bank accepts now (their
    /// planned date at most `SEPACollectionDate.maximumDaysAhead` days ahead, or passed), of the
    /// tenant's mode (live or test), locked with SKIP LOCKED: a debit another batch is taking
    /// right now is left to it.
    public func gather(
        tenantID: String, madeOn: LocalDate, livemode: Bool, limit: Int, on conn: PostgresConnection
    ) async throws -> [SEPADebitRecord] {
        let through = madeOn.adding(days: SEPACollectionDate.maximumDaysAhead)
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM sepa_debits d
            WHERE d.tenant_id = \(tenantID) AND d.status = 'scheduled' AND d.livemode = \(livemode)
              AND d.planned_on <= \(through)
            ORDER BY d.planned_on, d.debit_id
            LIMIT \(limit)
            FOR UPDATE SKIP LOCKED
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    /// Puts gathered debits into a batch with their dates in the file.
    public func assign(
        _ dated: [(id: String, date: LocalDate)], batchID: String, tenantID: String, on conn: PostgresConnection
    ) async throws {
        guard !dated.isEmpty else { return }
        _ = try await conn.query(
            """
            UPDATE sepa_debits d SET status = 'batched', batch_id = \(batchID), collection_date = v.date
            FROM unnest(\(dated.map(\.id)), \(dated.map(\.date))) AS v(id, date)
            WHERE d.tenant_id = \(tenantID) AND d.debit_id = v.id AND d.status = 'scheduled'
            """,
            logger: logger.forQuery
        )
    }

    /// The debits of a batch, in file order.
    public func debits(batchID: String, tenantID: String, on conn: PostgresConnection) async throws
        -> [SEPADebitRecord]
    {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM sepa_debits d
            WHERE d.tenant_id = \(tenantID) AND d.batch_id = \(batchID)
            ORDER BY d.collection_date, d.end_to_end_id
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    /// The debits of some invoices, newest first (the API shows them on the invoice's batch
    /// view and documents read their date).
    public func debits(invoiceIDs: [String], tenantID: String, on conn: PostgresConnection) async throws
        -> [SEPADebitRecord]
    {
        guard !invoiceIDs.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM sepa_debits d
            WHERE d.tenant_id = \(tenantID) AND d.invoice_id = ANY(\(invoiceIDs))
            ORDER BY d.created_at DESC, d.debit_id DESC
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    /// The tenant's debits, newest first: of one status and one invoice when given, after the
    /// cursor `startingAfter`.
    public func list(
        status: SEPADebitRecord.Status?, invoiceID: String?, limit: Int, startingAfter: String?, tenantID: String,
        on conn: PostgresConnection
    ) async throws -> [SEPADebitRecord] {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns) FROM sepa_debits d
            WHERE d.tenant_id = \(tenantID) AND (\(status?.rawValue)::text IS NULL OR d.status = \(status?.rawValue))
              AND (\(invoiceID)::text IS NULL OR d.invoice_id = \(invoiceID))
              AND (\(startingAfter)::text IS NULL OR (d.created_at, d.debit_id) < (
                  SELECT c.created_at, c.debit_id FROM sepa_debits c
                  WHERE c.tenant_id = \(tenantID) AND c.debit_id = \(startingAfter)))
            ORDER BY d.created_at DESC, d.debit_id DESC
            LIMIT \(limit)
            """,
            logger: logger.forQuery
        )
        return try await Self.decode(rows)
    }

    /// A batched debit due to settle: submitted to the bank, its collection date reached in its
    /// tenant's time zone.
    public struct Due: Sendable {
        public let tenantID: String
        public let timeZone: String
        public let invoiceNumber: String
        public let subscriptionID: String?
        public let debit: SEPADebitRecord
    }

    /// Batched debits of submitted batches whose collection date has come at `now` (each
    /// tenant's local day), locked with SKIP LOCKED; without `tenantID` tenants on a test clock
    /// are left to their clock.
    public func dueForSettlement(now: Date, tenantID: String?, limit: Int, on conn: PostgresConnection)
        async throws -> [Due]
    {
        let rows = try await conn.query(
            """
            SELECT t.tenant_id, t.time_zone, i.number, i.subscription_id, \(unescaped: Self.columns)
            FROM sepa_debits d
            JOIN sepa_batches b ON b.tenant_id = d.tenant_id AND b.batch_id = d.batch_id AND b.status = 'submitted'
            JOIN tenants t ON t.tenant_id = d.tenant_id
            JOIN invoices i ON i.tenant_id = d.tenant_id AND i.invoice_id = d.invoice_id
            WHERE d.status = 'batched'
              AND d.collection_date <= (\(now)::timestamptz AT TIME ZONE t.time_zone)::date
              AND (\(tenantID)::text IS NULL OR d.tenant_id = \(tenantID))
              AND (\(tenantID)::text IS NOT NULL OR t.test_clock_at IS NULL)
            ORDER BY d.collection_date, d.debit_id
            LIMIT \(limit)
            FOR UPDATE OF d SKIP LOCKED
            """,
            logger: logger.forQuery
        )
        var result: [Due] = []
        for try await r in rows.decode(
            (
                String, String, String, String?, String, String, String, String, String, String, Int64, String,
                LocalDate, LocalDate?, String, String, String, LocalDate, String, String, String?, String?, Bool,
                String, String, String?, Bool, Date, Date?
            ).self)
        {
            let debit = try Self.record(
                (
                    r.4, r.5, r.6, r.7, r.8, r.9, r.10, r.11, r.12, r.13, r.14, r.15, r.16, r.17, r.18, r.19, r.20,
                    r.21, r.22, r.23, r.24, r.25, r.26, r.27, r.28
                ))
            result.append(
                Due(tenantID: r.0, timeZone: r.1, invoiceNumber: r.2, subscriptionID: r.3, debit: debit))
        }
        return result
    }

    /// Marks locked, batched debits settled.
    public func markSettled(_ ids: [String], tenantID: String, now: Date, on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            UPDATE sepa_debits SET status = 'settled', settled_at = \(now)
            WHERE tenant_id = \(tenantID) AND debit_id = ANY(\(ids)) AND status = 'batched'
            """,
            logger: logger.forQuery
        )
    }

    typealias Row = (
        String, String, String, String, String, String, Int64, String, LocalDate, LocalDate?, String, String, String,
        LocalDate, String, String, String?, String?, Bool, String, String, String?, Bool, Date, Date?
    )

    /// A row as a debit; a state the code does not know is a StoreError, never a guess.
    static func record(_ r: Row) throws -> SEPADebitRecord {
        let amendment =
            r.16 != nil || r.17 != nil || r.18
            ? SEPADirectDebit.Amendment(originalMandateReference: r.16, originalIBAN: r.17, otherBank: r.18) : nil
        return SEPADebitRecord(
            id: r.0, endToEndID: r.1, invoiceID: r.2, customerID: r.3, paymentMethodID: r.4, paymentID: r.5,
            amount: r.6, currency: r.7, plannedOn: r.8, collectionDate: r.9,
            scheme: try .stored(r.10),
            sequenceType: try .stored(r.11), mandateReference: r.12, mandateSignedOn: r.13,
            debtorName: r.14, debtorIBAN: r.15, amendment: amendment, remittance: r.19,
            status: try .stored(r.20), batchID: r.21, livemode: r.22,
            createdAt: r.23, settledAt: r.24)
    }

    static func decode(_ rows: PostgresRowSequence) async throws -> [SEPADebitRecord] {
        var result: [SEPADebitRecord] = []
        for try await r in rows.decode(Row.self) { result.append(try record(r)) }
        return result
    }
}
