import Foundation
import KontorCore
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

/// `kontor bench billing`: seeds N active subscriptions of mixed plans and customers (domestic,
/// EU reverse charge, EU consumer) in the database it is given, runs one billing run, and
/// compares it with a raw `COPY` of as many invoice and line rows into tables of the same shape
/// and indexes — the physical floor of writing that much.
public struct BillingBenchmark: Sendable {
    public let database: Database
    public let subscriptions: Int
    public let workers: Int
    public let batchSize: Int

    public init(database: Database, subscriptions: Int, workers: Int, batchSize: Int) {
        self.database = database
        self.subscriptions = subscriptions
        self.workers = workers
        self.batchSize = batchSize
    }

    public struct Result: Sendable {
        public var seedSeconds: Double
        public var billingSeconds: Double
        public var invoices: Int
        public var lines: Int
        public var ledgerEntries: Int
        public var events: Int
        public var copySeconds: Double
        public var peakMemoryMiB: Double

        public var invoicesPerSecond: Double { Double(invoices) / billingSeconds }
        public var ratioToCopy: Double { billingSeconds / copySeconds }
    }

    public func run(plansDirectory: URL, now: Date) async throws -> Result {
        let clock = ContinuousClock()
        let seedStart = clock.now
        let (tenant, _) = try await TenantRepository(database: database).create(
            name: "Bench GmbH", livemode: false, timeZone: "Europe/Berlin"
        )
        try await TenantRepository(database: database).updateSeller(
            tenant.id, legalName: "Bench GmbH", address: "Benchstraße 1\n10115 Berlin\nDE", vatID: "DE136695976",
            homeCountry: "DE"
        )
        try await Engine(database: database).catalog.sync(
            directory: plansDirectory, tenantIDs: [tenant.id], now: now
        )
        try await seed(tenantID: tenant.id, now: now)
        _ = try await database.client.query("ANALYZE", logger: database.logger)
        let seedSeconds = (clock.now - seedStart).seconds

        let billingStart = clock.now
        let run = BillingRun(database: database, batchSize: batchSize)
        try await withThrowingTaskGroup(of: BillingRun.Summary.self) { group in
            for _ in 0..<workers { group.addTask { try await run.run(now: now) } }
            for try await _ in group {}
        }
        let billingSeconds = (clock.now - billingStart).seconds
        let counts = try await countRows(tenantID: tenant.id)
        let copySeconds = try await copyFloor(invoices: counts.invoices, lines: counts.lines)
        return Result(
            seedSeconds: seedSeconds, billingSeconds: billingSeconds, invoices: counts.invoices, lines: counts.lines,
            ledgerEntries: counts.ledger, events: counts.events, copySeconds: copySeconds,
            peakMemoryMiB: Self.peakResidentMiB()
        )
    }

    /// Customers and subscriptions in two set-based statements; every subscription starts today,
    /// so its first period is due now.
    func seed(tenantID: String, now: Date) async throws {
        let today = LocalDate(instant: now, in: TimeZone(identifier: "Europe/Berlin")!)
        let dueAt = today.startInstant(in: TimeZone(identifier: "Europe/Berlin")!)
        let plans = try await database.withConnection { conn in
            try await PlanRepository(logger: database.logger).listCurrent(tenantID: tenantID, on: conn)
        }.filter { $0.plan.currencies.contains("EUR") && $0.plan.billingInterval.unit == .month }
        guard !plans.isEmpty else { throw StoreError.invalidConfiguration("no monthly EUR plans to bench with") }
        try await database.transaction { conn in
            _ = try await conn.query(
                """
                INSERT INTO customers (tenant_id, customer_id, name, kind, address_line1, postal_code, city, country,
                                       tax_id, currency, livemode)
                SELECT \(tenantID), 'cus_bench' || i, 'Customer ' || i,
                       CASE i % 3 WHEN 1 THEN 'business' ELSE 'consumer' END, 'Straße ' || i, '10115', 'Berlin',
                       CASE i % 3 WHEN 0 THEN 'DE' WHEN 1 THEN 'AT' ELSE 'FR' END,
                       CASE i % 3 WHEN 1 THEN 'ATU13585627' END, 'EUR', false
                FROM generate_series(1, \(subscriptions)) AS i
                """,
                logger: database.logger
            )
            _ = try await conn.query(
                """
                INSERT INTO subscriptions (tenant_id, subscription_id, customer_id, plan_code, plan_version, quantity,
                    currency, status, start_date, billing_anchor, collection_method, payment_terms_days,
                    next_billing_date, next_billing_at, livemode, created_at, updated_at)
                SELECT \(tenantID), 'sub_bench' || i, 'cus_bench' || i, p.code, p.version, 1 + i % 7, 'EUR', 'active',
                       \(today), \(today), 'send_invoice', 14, \(today), \(dueAt), false, \(now), \(now)
                FROM generate_series(1, \(subscriptions)) AS i
                JOIN unnest(\(plans.map(\.plan.code)), \(plans.map { Int32($0.version) })) WITH ORDINALITY
                     AS p(code, version, n) ON p.n = 1 + i % \(plans.count)
                """,
                logger: database.logger
            )
        }
    }

    func countRows(tenantID: String) async throws -> (invoices: Int, lines: Int, ledger: Int, events: Int) {
        let rows = try await database.client.query(
            """
            SELECT (SELECT count(*) FROM invoices WHERE tenant_id = \(tenantID)),
                   (SELECT count(*) FROM invoice_lines WHERE tenant_id = \(tenantID)),
                   (SELECT count(*) FROM ledger_entries WHERE tenant_id = \(tenantID)),
                   (SELECT count(*) FROM events WHERE tenant_id = \(tenantID))
            """,
            logger: database.logger
        )
        for try await (i, l, g, e) in rows.decode((Int64, Int64, Int64, Int64).self) {
            return (Int(i), Int(l), Int(g), Int(e))
        }
        return (0, 0, 0, 0)
    }

    /// Seconds to `COPY` `invoices` and `lines` rows into empty tables shaped and indexed like
    /// `invoices` and `invoice_lines` (no triggers): what PostgreSQL needs just to store them.
    func copyFloor(invoices: Int, lines: Int) async throws -> Double {
        let logger = database.logger
        for statement in [
            "DROP TABLE IF EXISTS bench_copy_invoices, bench_copy_lines",
            "CREATE TABLE bench_copy_invoices (LIKE invoices INCLUDING DEFAULTS INCLUDING IDENTITY INCLUDING INDEXES)",
            "CREATE TABLE bench_copy_lines (LIKE invoice_lines INCLUDING DEFAULTS INCLUDING INDEXES)",
        ] {
            _ = try await database.client.query(PostgresQuery(unsafeSQL: statement), logger: logger)
        }
        let start = ContinuousClock.now
        try await database.withConnection { conn in
            let columns = [
                "tenant_id", "invoice_id", "number", "customer_id", "subscription_id", "billing_reason",
                "billing_date", "currency", "issue_date", "due_date", "period_start", "period_end", "subtotal", "tax",
                "total", "tax_treatment", "tax_breakdown", "seller_name", "seller_address", "seller_vat_id",
                "buyer_name", "buyer_address", "buyer_country", "collection_method", "livemode", "issued_at",
            ]
            try await conn.copyFrom(table: "bench_copy_invoices", columns: columns, logger: logger) { writer in
                var buffer = ByteBuffer()
                for i in 0..<invoices {
                    buffer.writeString(
                        "ten_bench\tinv_copy\(i)\t2026-\(i)\tcus_bench\(i)\tsub_bench\(i)\tsubscription_cycle\t2026-11-22\tEUR\t2026-11-22\t2026-12-06\t2026-11-22\t2026-12-22\t4900\t931\t5831\ttaxable:DE:1900\t[{\"net\":4900,\"rate\":1900,\"tax\":931}]\tBench GmbH\tBenchstraße 1\\n10115 Berlin\tDE136695976\tCustomer \(i)\tStraße \(i)\\n10115 Berlin\\nDE\tDE\tsend_invoice\tf\t2026-11-22 00:00:00+01\n"
                    )
                    if buffer.readableBytes > 1 << 20 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
            let lineColumns = [
                "tenant_id", "invoice_id", "line_no", "description", "charge_code", "period_start", "period_end",
                "quantity", "unit_amount", "amount", "tax_rate", "tax_amount",
            ]
            let perInvoice = max(1, lines / max(1, invoices))
            try await conn.copyFrom(table: "bench_copy_lines", columns: lineColumns, logger: logger) { writer in
                var buffer = ByteBuffer()
                for i in 0..<lines {
                    buffer.writeString(
                        "ten_bench\tinv_copy\(i / perInvoice)\t\(i % perInvoice + 1)\tTeam – Base fee\tbase\t2026-11-22\t2026-12-22\t1\t4900\t4900\t1900\t931\n"
                    )
                    if buffer.readableBytes > 1 << 20 {
                        try await writer.write(buffer)
                        buffer.clear()
                    }
                }
                if buffer.readableBytes > 0 { try await writer.write(buffer) }
            }
        }
        let seconds = (ContinuousClock.now - start).seconds
        _ = try await database.client.query(
            "DROP TABLE bench_copy_invoices, bench_copy_lines", logger: logger
        )
        return seconds
    }

    /// Peak resident set size of this process (`VmHWM`), in MiB; 0 where /proc is missing.
    public static func peakResidentMiB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kib = Double(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
        else { return 0 }
        return kib / 1024
    }
}

extension Duration {
    var seconds: Double {
        let (s, atto) = components
        return Double(s) + Double(atto) / 1e18
    }
}
