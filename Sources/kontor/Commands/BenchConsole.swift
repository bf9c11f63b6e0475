import ArgumentParser
import AsyncHTTPClient
import Foundation
import KontorBench
import KontorCore
import KontorEngine
import KontorStore
import Logging
import NIOCore
import NIOHTTP1

extension Bench {
    /// Console page times on a tenant with a million open items: a real server on loopback,
    /// a signed-in finance user, each page asked for `--requests` times one after another.
    struct Console: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "console",
            abstract: "Finance console page times (p50, p95, max) over N open items, through HTTP on loopback."
        )

        @Option(help: "Open items to seed (one customer per ten).") var items = 1_000_000
        @Option(help: "Requests per page.") var requests = 40
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"
        @Flag(help: "Keep the benchmark database afterwards.") var keep = false

        func run() async throws {
            var logger = Logger(label: "kontor.bench")
            logger.logLevel = .warning
            let (items, requests, quiet) = (items, requests, logger)
            try await ScratchDatabase.with(stateDirectory: stateDirectory, keep: keep, logger: logger) { database in
                try await ConsoleBench(database: database, logger: quiet).run(items: items, requests: requests)
            }
        }
    }
}

struct ConsoleBench {
    let database: Database
    let logger: Logger

    func run(items: Int, requests: Int) async throws {
        let seeding = ReceivablesBench(database: database, logger: logger)
        let now = SystemClock().wallNow()
        let today = LocalDate(instant: now, in: TimeZone(identifier: "Europe/Berlin")!)
        let tenant = try await seeding.tenant()
        let customers = max(1, items / 10)
        let started = ContinuousClock.now
        try await seeding.seed(
            tenantID: tenant.id, customers: customers, items: items, today: today, dueDaysAgo: 20, prefix: "c")
        try await seeding.seeds.partPayments(tenantID: tenant.id, on: database.client)
        try await seeding.seeds.analyze(on: database.client)
        print("seeded \(items) open items of \(customers) customers in \(ContinuousClock.now - started)")

        let engine = Engine(database: database, clock: SystemClock())
        _ = try await engine.console.createUser(
            tenantID: tenant.id, email: "bench@kontor.example", role: "finance", password: "bench password 1")
        guard
            case .signedIn(let secret, _) = try await engine.console.login(
                email: "bench@kontor.example", password: "bench password 1")
        else { throw CleanExit.message("could not sign in") }
        try await BenchServer.with(engine: engine, logger: logger) { client, base in
            let middle = "cus_cc\(customers / 2)"
            let month = LocalDate(year: today.year, month: today.month, day: 1)!
            let pages: [(String, String)] = [
                ("overview", "/console"),
                ("OP-Liste, first page", "/console/open_items?as_of=\(today)"),
                ("OP-Liste, page in the middle", "/console/open_items?as_of=\(today)&after=\(middle)~\(today)~0"),
                ("OP-Liste, one customer", "/console/open_items?as_of=\(today)&customer=\(middle)"),
                ("OP-Liste, bucket 1–30 days", "/console/open_items?as_of=\(today)&bucket=1_30"),
                ("Saldenliste, first page", "/console/balances?from=\(month)&to=\(today)"),
                ("Saldenliste, page in the middle", "/console/balances?from=\(month)&to=\(today)&after=\(middle)~EUR"),
                ("Kontoauszug", "/console/customers/\(middle)"),
                ("Arbeitskörbe", "/console/queues"),
                ("Mahnvorschlag", "/console/dunning"),
            ]
            print("page times over \(requests) requests each (first request = cold, totals computed then cached):")
            for (name, path) in pages {
                var times: [Double] = []
                var cold = 0.0
                var status = 0
                var computing = 0
                for n in 0..<(requests + 1) {
                    let (ms, code, waiting) = try await get(client, base + path, cookie: secret)
                    status = code
                    if waiting { computing += 1 }
                    if n == 0 { cold = ms } else { times.append(ms) }
                }
                times.sort()
                let p = { (q: Double) in times[min(times.count - 1, Int((Double(times.count) * q).rounded(.up)) - 1)] }
                print(
                    String(
                        format:
                            "  %@ status %d  cold %7.1f ms  p50 %6.1f ms  p95 %6.1f ms  max %6.1f ms  %d of %d said "
                            + "'totals being computed'",
                        name.padding(toLength: 32, withPad: " ", startingAt: 0) as NSString, status, cold, p(0.5),
                        p(0.95), times.last ?? 0, computing, requests + 1))
            }
            let (csvMs, csvStatus, _) = try await get(
                client, base + "/console/open_items?as_of=\(today)&format=csv", cookie: secret)
            print(String(format: "  OP-Liste CSV of all %d items: status %d in %.1f s", items, csvStatus, csvMs / 1000))
            print("peak RSS \(String(format: "%.0f", BillingBenchmark.peakResidentMiB())) MiB")
        }
    }

    /// One GET with the session cookie, the whole body read: (milliseconds, status, whether the
    /// page said its totals were still being computed).
    func get(_ client: HTTPClient, _ url: String, cookie: String) async throws -> (Double, Int, Bool) {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Cookie", value: "kontor_console=\(cookie)")
        let start = ContinuousClock.now
        let response = try await client.execute(request, timeout: .seconds(600))
        var bytes = 0
        var waiting = false
        for try await chunk in response.body {
            bytes += chunk.readableBytes
            if !waiting, bytes < 200_000, String(buffer: chunk).contains("berechnet") { waiting = true }
        }
        let d = ContinuousClock.now - start
        let ms = Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
        return (ms, Int(response.status.code), waiting)
    }
}
