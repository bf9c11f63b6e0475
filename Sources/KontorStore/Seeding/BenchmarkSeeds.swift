import Foundation
import KontorCore
import Logging
import NIOCore
import PostgresNIO

/// Synthetic data at benchmark scale, written set-based (one statement per table, however many
/// rows), and the raw-`COPY` floor the billing benchmark compares itself with. Only the
/// `kontor bench` commands use it: what they measure is the run, never the seeding.
public struct BenchmarkSeeds: Sendable {
    let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// `count` customers (domestic, EU business with a VAT ID, EU consumer in turn), each with
    /// one active subscription of the given plans in turn, due at `dueAt`.
    public func subscriptions(
        _ count: Int, plans: [(code: String, version: Int)], tenantID: String, today: LocalDate, dueAt: Date,
        now: Date, on conn: PostgresConnection
    ) async throws {
        _ = try await conn.query(
            """
            INSERT INTO customers (tenant_id, customer_id, name, kind, address_line1, postal_code, city, country,
                                   tax_id, currency, livemode, email)
            SELECT \(tenantID), 'cus_bench' || i, 'Customer ' || i,
                   CASE i % 3 WHEN 1 THEN 'business' ELSE 'consumer' END, 'Straße ' || i, '10115', 'Berlin',
                   CASE i % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'AT' ELSE 'FR' END,
                   CASE i % 3 WHEN 1 THEN 'ATU13585627' END, 'EUR', false, 'ap' || i || '@bench.example'
            FROM generate_series(1, \(count)) AS i
            """,
            logger: logger.forQuery
        )
        _ = try await conn.query(
            """
            INSERT INTO subscriptions (tenant_id, subscription_id, customer_id, plan_code, plan_version, quantity,
                currency, status, start_date, billing_anchor, collection_method, payment_terms_days,
                next_billing_date, next_billing_at, livemode, created_at, updated_at)
            SELECT \(tenantID), 'sub_bench' || i, 'cus_bench' || i, p.code, p.version, 1 + i % 7, 'EUR', \(state: SubscriptionStatus.active),
                   \(today), \(today), 'send_invoice', 14, \(today), \(dueAt), false, \(now), \(now)
            FROM generate_series(1, \(count)) AS i
            JOIN unnest(\(plans.map(\.code)), \(plans.map { Int32($0.version) })) WITH ORDINALITY
                 AS p(code, version, n) ON p.n = 1 + i % \(plans.count)
            """,
            logger: logger.forQuery
        )
    }

    /// `customers` business customers and `items` invoices spread over them (119.00 EUR each,
    /// issued within 30 days), with their ledger postings; ids start with `prefix`.
    public func openItems(
        customers: Int, items: Int, issuedFrom issue: LocalDate, dueFrom due: LocalDate, prefix: String,
        tenantID: String, now: Date, on conn: PostgresConnection
    ) async throws {
        _ = try await conn.query(
            """
            INSERT INTO customers (tenant_id, customer_id, name, kind, currency, country, livemode)
            SELECT \(tenantID), 'cus_' || \(prefix) || 'c' || g, 'Customer ' || g, 'business', 'EUR', 'DE', false
            FROM generate_series(1, \(customers)) g
            """, logger: logger.forQuery)
        _ = try await conn.query(
            """
            INSERT INTO invoices (tenant_id, invoice_id, number, customer_id, billing_reason, currency, issue_date,
                due_date, subtotal, tax, total, tax_treatment, tax_breakdown, seller_name, collection_method,
                livemode, issued_at)
            SELECT \(tenantID), \(prefix) || 'i' || g, \(prefix) || '-' || g,
                'cus_' || \(prefix) || 'c' || ((g - 1) % \(customers) + 1), 'manual', 'EUR', \(issue) + (g % 30)::int,
                \(due) + (g % 30)::int - 29, 10000, 1900, 11900, 'taxable:DE:1900', '[]', 'Bench GmbH',
                'send_invoice', false, \(now)
            FROM generate_series(1, \(items)) g
            """, logger: logger.forQuery)
        _ = try await conn.query(
            """
            INSERT INTO ledger_entries (tenant_id, document_type, document_id, document_number, customer_id, account,
                amount, currency, booking_date, posted_at)
            SELECT i.tenant_id, 'invoice', i.invoice_id, i.number, i.customer_id, a.account, a.amount, 'EUR',
                i.issue_date, \(now)
            FROM invoices i CROSS JOIN (VALUES ('receivable', 11900), ('revenue', -10000), ('vat_payable', -1900))
                AS a(account, amount)
            WHERE i.tenant_id = \(tenantID) AND i.invoice_id LIKE \(prefix + "i%")
            """, logger: logger.forQuery)
    }

    /// Every second invoice of the tenant paid 50.00 the day after issue, with its postings.
    public func partPayments(tenantID: String, on client: PostgresClient) async throws {
        _ = try await client.query(
            """
            INSERT INTO allocations (tenant_id, invoice_id, customer_id, kind, source_id, amount, currency, booking_date,
                created_at)
            SELECT tenant_id, invoice_id, customer_id, 'payment', 'pay_bench', 5000, 'EUR', issue_date + 1, now()
            FROM invoices WHERE tenant_id = \(tenantID) AND seq % 2 = 0
            """, logger: logger.forQuery)
        _ = try await client.query(
            """
            INSERT INTO ledger_entries (tenant_id, document_type, document_id, customer_id, account, amount, currency,
                booking_date, posted_at)
            SELECT tenant_id, 'payment', 'pay_bench', customer_id, a.account, a.amount, 'EUR', booking_date, now()
            FROM allocations CROSS JOIN (VALUES ('bank', 5000), ('receivable', -5000)) AS a(account, amount)
            WHERE tenant_id = \(tenantID)
            """, logger: logger.forQuery)
    }

    /// What autovacuum does within a minute of such a load (migration 0014's thresholds): the
    /// figures are for a database whose statistics have seen its data.
    public func analyze(on client: PostgresClient) async throws {
        _ = try await client.query("ANALYZE", logger: logger.forQuery)
    }

    /// How many documents the tenant has archived, and their mean size in bytes.
    /// How many documents the tenant's archive holds per format, and their mean size.
    public func documentSizes(tenantID: String, on client: PostgresClient) async throws
        -> [String: (count: Int, bytes: Int)]
    {
        let rows = try await client.query(
            """
            SELECT format, count(*), coalesce(avg(octet_length(content)), 0)::bigint FROM documents
            WHERE tenant_id = \(tenantID) GROUP BY format
            """,
            logger: logger.forQuery)
        var result: [String: (count: Int, bytes: Int)] = [:]
        for try await (format, count, bytes) in rows.decode((String, Int64, Int64).self) {
            result[format] = (Int(count), Int(bytes))
        }
        return result
    }

    /// Rows the tenant has of what a billing run writes.
    public func billingCounts(tenantID: String, on client: PostgresClient) async throws
        -> (invoices: Int, lines: Int, ledger: Int, events: Int)
    {
        let rows = try await client.query(
            """
            SELECT (SELECT count(*) FROM invoices WHERE tenant_id = \(tenantID)),
                   (SELECT count(*) FROM invoice_lines WHERE tenant_id = \(tenantID)),
                   (SELECT count(*) FROM ledger_entries WHERE tenant_id = \(tenantID)),
                   (SELECT count(*) FROM events WHERE tenant_id = \(tenantID))
            """,
            logger: logger.forQuery
        )
        for try await (i, l, g, e) in rows.decode((Int64, Int64, Int64, Int64).self) {
            return (Int(i), Int(l), Int(g), Int(e))
        }
        return (0, 0, 0, 0)
    }

    /// Tables shaped and indexed like every table a billing run writes (no triggers), for the
    /// floor: empty copies of `invoices`, `invoice_lines`, `ledger_entries` and `events`, and a
    /// filled copy of the tenant's `subscriptions` for the one set-based update.
    public func createCopyFloorTables(tenantID: String, on client: PostgresClient) async throws {
        for statement in [
            "DROP TABLE IF EXISTS \(Self.floorTables)",
            "CREATE TABLE bench_copy_invoices (LIKE invoices INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)",
            "CREATE TABLE bench_copy_lines (LIKE invoice_lines INCLUDING DEFAULTS INCLUDING INDEXES)",
            "CREATE TABLE bench_copy_ledger (LIKE ledger_entries INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)",
            "CREATE TABLE bench_copy_events (LIKE events INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)",
            "CREATE TABLE bench_copy_subscriptions (LIKE subscriptions INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)",
        ] {
            _ = try await client.query(PostgresQuery(unsafeSQL: statement), logger: logger.forQuery)
        }
        _ = try await client.query(
            """
            INSERT INTO bench_copy_subscriptions OVERRIDING SYSTEM VALUE
            SELECT * FROM subscriptions WHERE tenant_id = \(tenantID)
            """, logger: logger.forQuery)
        _ = try await client.query("ANALYZE bench_copy_subscriptions", logger: logger.forQuery)
    }

    static let floorTables =
        "bench_copy_invoices, bench_copy_lines, bench_copy_ledger, bench_copy_events, bench_copy_subscriptions"

    /// The payload of one of the run's `invoice.created` events (COPY text: backslashes doubled),
    /// so the floor's event rows are as large as the real ones.
    public func eventTemplate(tenantID: String, on client: PostgresClient) async throws -> String {
        let rows = try await client.query(
            """
            SELECT data::text FROM events WHERE tenant_id = \(tenantID) AND type = 'invoice.created' ORDER BY seq LIMIT 1
            """, logger: logger.forQuery)
        for try await text in rows.decode(String.self) {
            return text.replacingOccurrences(of: "\\", with: "\\\\")
        }
        return "{}"
    }

    /// The run's one set-based subscription update, on the copy: every period moved on.
    public func floorSubscriptionUpdate(on conn: PostgresConnection) async throws {
        _ = try await conn.query(
            """
            UPDATE bench_copy_subscriptions SET current_period_start = current_period_end,
                current_period_end = current_period_end + 30, next_billing_date = next_billing_date + 30,
                next_billing_at = next_billing_at + interval '30 days', updated_at = now()
            """, logger: logger.forQuery)
    }

    /// `COPY`s `ledger` ledger rows and `events` event rows (payload `template`) into the floor
    /// tables.
    public func copyFloorBookings(ledger: Int, events: Int, template: String, on conn: PostgresConnection)
        async throws
    {
        let ledgerColumns = [
            "tenant_id", "document_type", "document_id", "document_number", "customer_id", "account", "amount",
            "currency", "booking_date", "posted_at",
        ]
        let accounts = ["receivable", "revenue", "vat_payable"]
        try await copy(ledger, into: "bench_copy_ledger", columns: ledgerColumns, on: conn) { i in
            "ten_bench\tinvoice\tinv_copy\(i / 3)\t2026-\(i / 3)\tcus_bench\(i / 3)\t\(accounts[i % 3])\t\(i % 3 == 0 ? 5831 : i % 3 == 1 ? -4900 : -931)\tEUR\t2026-11-22\t2026-11-22 00:00:00+01\n"
        }
        let eventColumns = ["tenant_id", "event_id", "type", "object_id", "data", "livemode", "created_at"]
        try await copy(events, into: "bench_copy_events", columns: eventColumns, on: conn) { i in
            "ten_bench\tevt_copy\(i)\tinvoice.created\tinv_copy\(i)\t\(template)\tf\t2026-11-22 00:00:00+01\n"
        }
    }

    /// `COPY`s `invoices` invoice rows and `lines` line rows into the floor tables: what
    /// PostgreSQL needs just to store that much.
    public func copyFloor(invoices: Int, lines: Int, on conn: PostgresConnection) async throws {
        let columns = [
            "tenant_id", "invoice_id", "number", "customer_id", "subscription_id", "billing_reason",
            "billing_date", "currency", "issue_date", "due_date", "period_start", "period_end", "subtotal", "tax",
            "total", "tax_treatment", "tax_breakdown", "seller_name", "seller_address", "seller_vat_id",
            "buyer_name", "buyer_address", "buyer_country", "collection_method", "livemode", "issued_at",
        ]
        try await copy(invoices, into: "bench_copy_invoices", columns: columns, on: conn) { i in
            "ten_bench\tinv_copy\(i)\t2026-\(i)\tcus_bench\(i)\tsub_bench\(i)\tsubscription_cycle\t2026-11-22\tEUR\t2026-11-22\t2026-12-06\t2026-11-22\t2026-12-22\t4900\t931\t5831\ttaxable:DE:1900\t[{\"net\":4900,\"rate\":1900,\"tax\":931}]\tBench GmbH\tBenchstraße 1\\n10115 Berlin\tDE136695976\tCustomer \(i)\tStraße \(i)\\n10115 Berlin\\nDE\tDE\tsend_invoice\tf\t2026-11-22 00:00:00+01\n"
        }
        let lineColumns = [
            "tenant_id", "invoice_id", "line_no", "description", "charge_code", "period_start", "period_end",
            "quantity", "unit_amount", "amount", "tax_rate", "tax_amount",
        ]
        let perInvoice = max(1, lines / max(1, invoices))
        try await copy(lines, into: "bench_copy_lines", columns: lineColumns, on: conn) { i in
            "ten_bench\tinv_copy\(i / perInvoice)\t\(i % perInvoice + 1)\tTeam – Base fee\tbase\t2026-11-22\t2026-12-22\t1\t4900\t4900\t1900\t931\n"
        }
    }

    /// `count` rows of `row(i)` (COPY text format) into `table`, sent in chunks of about 1 MiB.
    func copy(
        _ count: Int, into table: String, columns: [String], on conn: PostgresConnection,
        row: @escaping @Sendable (Int) -> String
    ) async throws {
        try await conn.copyFrom(table: table, columns: columns, logger: logger.forQuery) { writer in
            var buffer = ByteBuffer()
            for i in 0..<count {
                buffer.writeString(row(i))
                if buffer.readableBytes > 1 << 20 {
                    try await writer.write(buffer)
                    buffer.clear()
                }
            }
            if buffer.readableBytes > 0 { try await writer.write(buffer) }
        }
    }

    public func dropCopyFloorTables(on client: PostgresClient) async throws {
        _ = try await client.query(PostgresQuery(unsafeSQL: "DROP TABLE \(Self.floorTables)"), logger: logger.forQuery)
    }
}
