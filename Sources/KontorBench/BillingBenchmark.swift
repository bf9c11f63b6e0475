import Foundation
import KontorCore
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

/// `kontor bench billing`: seeds N active subscriptions of mixed plans and customers (domestic,
/// EU reverse charge, EU consumer) in the database it is given, runs one billing run, and
/// compares it with the floor of writing the same rows: a raw `COPY` of as many invoice, line,
/// ledger and event rows into tables of the same shape and indexes, and one set-based update
/// of the subscriptions.
public struct BillingBenchmark: Sendable {
    public let database: Database
    public let subscriptions: Int
    public let workers: Int
    public let batchSize: Int
    var seeds: BenchmarkSeeds { BenchmarkSeeds(logger: database.logger) }

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
        /// The document worker over the run's invoices: seconds, and per format the documents
        /// stored (PDF, CII and UBL per invoice, hashed) with their mean size.
        public var archiveSeconds: Double = 0
        public var documents: [String: (count: Int, bytes: Int)] = [:]

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
        try await database.transaction { conn in
            try await TenantRepository(database: database).updateDocumentDetails(
                tenant.id,
                SellerDocumentDetails(
                    contactName: "Bench Billing", contactPhone: "+49 30 1234567", contactEmail: "billing@bench.example",
                    bankIBAN: "DE02120300000000202051", bankBIC: "BYLADEM1001"), on: conn)
        }
        try await Engine(database: database).catalog.sync(
            directory: plansDirectory, tenantIDs: [tenant.id], now: now
        )
        try await seed(tenantID: tenant.id, now: now)
        try await seeds.analyze(on: database.client)
        let seedSeconds = (clock.now - seedStart).seconds

        let billingStart = clock.now
        let run = BillingRun(database: database, batchSize: batchSize)
        try await withThrowingTaskGroup(of: BillingRun.Summary.self) { group in
            for _ in 0..<workers { group.addTask { try await run.run(now: now) } }
            for try await _ in group {}
        }
        let billingSeconds = (clock.now - billingStart).seconds
        let counts = try await seeds.billingCounts(tenantID: tenant.id, on: database.client)
        // What the document worker does after such a run: every invoice as PDF and in both syntaxes.
        let archiveStart = clock.now
        _ = try await DocumentArchive(database: database, batchSize: batchSize).run(now: now, tenantID: tenant.id)
        let archiveSeconds = (clock.now - archiveStart).seconds
        let documents = try await seeds.documentSizes(tenantID: tenant.id, on: database.client)
        let copySeconds = try await copyFloor(
            tenantID: tenant.id, invoices: counts.invoices, lines: counts.lines, ledger: counts.ledger,
            events: counts.events)
        var result = Result(
            seedSeconds: seedSeconds, billingSeconds: billingSeconds, invoices: counts.invoices, lines: counts.lines,
            ledgerEntries: counts.ledger, events: counts.events, copySeconds: copySeconds,
            peakMemoryMiB: Self.peakResidentMiB()
        )
        result.archiveSeconds = archiveSeconds
        result.documents = documents
        return result
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
            try await seeds.subscriptions(
                subscriptions, plans: plans.map { ($0.plan.code, $0.version) }, tenantID: tenantID, today: today,
                dueAt: dueAt, now: now, on: conn)
        }
    }

    /// Seconds to store what the run wrote, the fastest way PostgreSQL can: `COPY` as many
    /// invoice, line, ledger and event rows into empty tables shaped and indexed like the real
    /// ones (no triggers), and one set-based update of the subscriptions, all in one
    /// transaction (one commit, as the floor of many).
    func copyFloor(tenantID: String, invoices: Int, lines: Int, ledger: Int, events: Int) async throws -> Double {
        try await seeds.createCopyFloorTables(tenantID: tenantID, on: database.client)
        let template = try await seeds.eventTemplate(tenantID: tenantID, on: database.client)
        let start = ContinuousClock.now
        try await database.transaction { conn in
            try await seeds.copyFloor(invoices: invoices, lines: lines, on: conn)
            try await seeds.copyFloorBookings(ledger: ledger, events: events, template: template, on: conn)
            try await seeds.floorSubscriptionUpdate(on: conn)
        }
        let seconds = (ContinuousClock.now - start).seconds
        try await seeds.dropCopyFloorTables(on: database.client)
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
