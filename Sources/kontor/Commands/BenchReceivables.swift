import ArgumentParser
import Foundation
import KontorBench
import KontorCore
import KontorEngine
import KontorStore
import Logging
import PostgresNIO

extension Bench {
    /// Receivables benchmarks: the dunning run, the open-item report, the camt import.
    struct Receivables: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "receivables",
            abstract: "Dunning run over N customers, open-item report over M items, camt import of K entries."
        )

        @Option(help: "Customers with an overdue item for the dunning run.") var customers = 100_000
        @Option(help: "Items for the open-item report as of a date.") var items = 1_000_000
        @Option(help: "Credit entries in the camt.053 import.") var entries = 10_000
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"

        func run() async throws {
            var logger = Logger(label: "kontor.bench")
            logger.logLevel = .warning
            let (n, m, k) = (customers, items, entries)
            try await ScratchDatabase.with(stateDirectory: stateDirectory, logger: logger) { database in
                do {
                    try await ReceivablesBench(database: database, logger: database.logger).run(
                        customers: n, items: m, entries: k)
                } catch {
                    print("benchmark failed: \(String(reflecting: error))")
                    throw error
                }
            }
        }
    }
}

/// Seeds with set-based SQL (what the benchmarks measure is the run, not the seeding).
struct ReceivablesBench {
    let database: Database
    let logger: Logger
    var seeds: BenchmarkSeeds { BenchmarkSeeds(logger: logger) }

    struct FixedClock: BillingClock {
        let instant: Date
        func now(for tenant: Tenant) async throws -> Date { instant }
        func wallNow() -> Date { instant }
    }

    func tenant() async throws -> Tenant {
        let (tenant, _) = try await TenantRepository(database: database).create(
            name: "Bench GmbH", livemode: false, timeZone: "Europe/Berlin")
        return tenant
    }

    /// `count` customers and `perCustomer`… items: one invoice per row of generate_series, with
    /// its ledger postings; due `dueDaysAgo` days before `today`.
    func seed(tenantID: String, customers: Int, items: Int, today: LocalDate, dueDaysAgo: Int, prefix: String)
        async throws
    {
        let issue = today.adding(days: -dueDaysAgo - 14)
        let due = today.adding(days: -dueDaysAgo)
        let now = SystemClock().wallNow()
        try await database.transaction { conn in
            try await seeds.openItems(
                customers: customers, items: items, issuedFrom: issue, dueFrom: due, prefix: prefix, tenantID: tenantID,
                now: now, on: conn)
        }
        try await seeds.analyze(on: database.client)
    }

    func run(customers: Int, items: Int, entries: Int) async throws {
        let clock = ContinuousClock()
        let now = SystemClock().wallNow()
        let zone = TimeZone(identifier: "Europe/Berlin")!
        let today = LocalDate(instant: now, in: zone)

        // 1. Dunning run over `customers` customers with one overdue item each.
        let t1 = try await tenant()
        try await seed(
            tenantID: t1.id, customers: customers, items: customers, today: today, dueDaysAgo: 40, prefix: "d")
        var start = clock.now
        let first = try await DunningRun(database: database).run(now: now, tenantID: t1.id)
        let firstTime = clock.now - start
        let later = now.addingTimeInterval(14 * 86_400)
        start = clock.now
        let second = try await DunningRun(database: database).run(now: later, tenantID: t1.id)
        let secondTime = clock.now - start
        print(
            "dunning: \(customers) customers; level 1 (notices only): \(first.notices) notices in \(firstTime); "
                + "level 2 (fee items with interest and flat fee): \(second.notices) notices in \(secondTime); "
                + "peak RSS \(String(format: "%.0f", BillingBenchmark.peakResidentMiB())) MiB")

        // 2. Open-item report as of a date over `items` items, half of them partly paid.
        let t2 = try await tenant()
        try await seed(
            tenantID: t2.id, customers: max(1, items / 10), items: items, today: today, dueDaysAgo: 20, prefix: "r")
        try await seeds.partPayments(tenantID: t2.id, on: database.client)
        try await seeds.analyze(on: database.client)
        let reports = Engine(database: database, clock: FixedClock(instant: now)).reports
        start = clock.now
        let totals = try await reports.openItems(asOf: today, customerID: nil, withItems: false, tenant: t2)
        let totalsTime = clock.now - start
        start = clock.now
        var csvBytes = 0
        try await reports.streamOpenItems(asOf: today, customerID: nil, format: .csv, tenant: t2) {
            csvBytes += $0.readableBytes
        }
        let fullTime = clock.now - start
        print(
            "open items: \(items) items as of \(today): totals (aging, reconciliation) in \(totalsTime), "
                + "reconciled \(totals.totals.allSatisfy(\.reconciled)); full list streamed as CSV "
                + "(\(csvBytes / 1_048_576) MiB) in \(fullTime); "
                + "peak RSS \(String(format: "%.0f", BillingBenchmark.peakResidentMiB())) MiB "
                + "(kontor bench open-items measures it through HTTP)")

        // 3. camt.053 import of `entries` credits naming their invoices.
        let t3 = try await tenant()
        try await seed(tenantID: t3.id, customers: entries, items: entries, today: today, dueDaysAgo: 5, prefix: "b")
        var xml = """
            <?xml version="1.0" encoding="UTF-8"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
            <BkToCstmrStmt><GrpHdr><MsgId>BENCH</MsgId><CreDtTm>\(today)T00:00:00</CreDtTm></GrpHdr><Stmt><Id>BENCH-1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
            """
        for g in 1...entries {
            xml += """
                <Ntry><NtryRef>N\(g)</NtryRef><Amt Ccy="EUR">119.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>\
                <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>\(today)</Dt></BookgDt>\
                <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd><NtryDtls><TxDtls><RmtInf><Ustrd>Rechnung b-\(g)</Ustrd></RmtInf>\
                </TxDtls></NtryDtls></Ntry>
                """
        }
        xml += "</Stmt></BkToCstmrStmt></Document>"
        let service = Engine(database: database, clock: FixedClock(instant: now)).bankStatements
        start = clock.now
        let imported = try await service.importStatement(Data(xml.utf8), tenant: t3)
        let importTime = clock.now - start
        start = clock.now
        let again = try await service.importStatement(Data(xml.utf8), tenant: t3)
        let againTime = clock.now - start
        print(
            "camt: \(entries) entries (\(xml.utf8.count / 1024) KiB): matched \(imported.matched), unmatched "
                + "\(imported.unmatched) in \(importTime); re-import: \(again.duplicates) duplicates, "
                + "\(again.matched) booked, in \(againTime)")
    }
}
