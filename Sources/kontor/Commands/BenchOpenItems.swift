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
    /// The open-item list through `GET /v1/reports/open_items` (JSON and CSV) over N items: a
    /// real server on loopback streaming to a client that counts rows; rows/s and peak memory.
    struct OpenItems: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "open-items",
            abstract: "Stream the open-item list of N items as JSON and CSV through HTTP on loopback: rows/s, peak RSS."
        )

        @Option(help: "Open items to seed (one customer per ten, half of them partly paid).") var items = 1_000_000
        @Option(help: "Directory for the private PostgreSQL cluster.") var stateDirectory = ".kontor"
        @Flag(help: "Keep the benchmark database afterwards.") var keep = false

        func run() async throws {
            var logger = Logger(label: "kontor.bench")
            logger.logLevel = .warning
            let (items, quiet) = (items, logger)
            try await ScratchDatabase.with(stateDirectory: stateDirectory, keep: keep, logger: logger) { database in
                try await OpenItemsBench(database: database, logger: quiet).run(items: items)
            }
        }
    }
}

struct OpenItemsBench {
    let database: Database
    let logger: Logger

    func run(items: Int) async throws {
        let seeding = ReceivablesBench(database: database, logger: logger)
        let now = SystemClock().wallNow()
        let today = LocalDate(instant: now, in: TimeZone(identifier: "Europe/Berlin")!)
        let (tenant, key) = try await TenantRepository(database: database).create(
            name: "Bench GmbH", livemode: false, timeZone: "Europe/Berlin")
        let started = ContinuousClock.now
        try await seeding.seed(
            tenantID: tenant.id, customers: max(1, items / 10), items: items, today: today, dueDaysAgo: 20,
            prefix: "o")
        try await seeding.seeds.partPayments(tenantID: tenant.id, on: database.client)
        try await seeding.seeds.analyze(on: database.client)
        print(
            "seeded \(items) open items in \(ContinuousClock.now - started); peak RSS so far "
                + String(format: "%.0f MiB", BillingBenchmark.peakResidentMiB()))

        let engine = Engine(database: database, clock: SystemClock())
        try await BenchServer.with(engine: engine, logger: logger) { client, base in
            for (name, accept, marker) in [
                ("JSON", "application/json", Array(#"{"bucket":"#.utf8)), ("CSV", "text/csv", Array("\r\n".utf8)),
            ] {
                var request = HTTPClientRequest(url: base + "/v1/reports/open_items?as_of=\(today)")
                request.headers.add(name: "Authorization", value: "Bearer \(key.secret)")
                request.headers.add(name: "Accept", value: accept)
                let clock = ContinuousClock()
                let start = clock.now
                let response = try await client.execute(request, timeout: .seconds(1800))
                var rows = 0
                var bytes = 0
                var tail: [UInt8] = []
                var firstByte: Duration?
                for try await chunk in response.body {
                    if firstByte == nil { firstByte = clock.now - start }
                    bytes += chunk.readableBytes
                    // Count the marker across chunk boundaries.
                    let data = tail + Array(chunk.readableBytesView)
                    rows += Self.occurrences(of: marker, in: data)
                    // Shorter than the marker, so never a whole one (neither marker overlaps itself).
                    tail = Array(data.suffix(marker.count - 1))
                }
                let seconds = BenchServer.milliseconds(clock.now - start) / 1000
                let lines = name == "CSV" ? rows - 1 : rows
                print(
                    String(
                        format:
                            "  %@: status %d, %d rows, %.0f MiB in %.2f s (first bytes after %.2f s): %.0f rows/s",
                        name, Int(response.status.code), lines, Double(bytes) / 1_048_576, seconds,
                        BenchServer.milliseconds(firstByte ?? .zero) / 1000, Double(lines) / seconds))
            }
            print("peak memory (RSS): \(String(format: "%.0f", BillingBenchmark.peakResidentMiB())) MiB")
        }
    }

    static func occurrences(of marker: [UInt8], in data: [UInt8]) -> Int {
        guard data.count >= marker.count else { return 0 }
        var count = 0
        var i = 0
        while i <= data.count - marker.count {
            if data[i] == marker[0], Array(data[i..<(i + marker.count)]) == marker {
                count += 1
                i += marker.count
            } else {
                i += 1
            }
        }
        return count
    }
}
