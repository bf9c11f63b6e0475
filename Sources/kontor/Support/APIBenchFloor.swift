import ArgumentParser
import Foundation
import KontorEmbedded
import KontorStore
import Logging
import PostgresNIO

/// The floor of `kontor bench api`: a pgbench transaction that writes the rows one
/// `POST /v1/subscriptions` wrote — copied from a sample request, with fresh identifiers — into
/// the same tables (same indexes, triggers and foreign keys) of the same database, and takes
/// the tenant's invoice number last, as late as a gap-free counter allows.
struct APIBenchFloor {
    let database: Database
    let configuration: PostgresClient.Configuration
    let logger: Logger

    struct Result {
        let transactionsPerSecond: Double
        let latencyMilliseconds: Double
        let description: String
    }

    func measure(tenantID: String, sample: String, key: String, settings: APIBench.Settings) async throws -> Result {
        let script = try await database.withConnection { conn in
            try await SameRowsTransaction(logger: logger).script(tenantID: tenantID, sample: sample, key: key, on: conn)
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kontor-floor-\(UUID()).sql").path
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pgbench = try PostgresBinaries.locate().directory + "/pgbench"
        let conninfo = [
            "host=\(configuration.host ?? "127.0.0.1")", "port=\(configuration.port ?? 5432)",
            "user=\(configuration.username)", "password=\(configuration.password ?? "")",
            "dbname=\(configuration.database ?? "")",
        ].joined(separator: " ")
        let arguments = [
            "-n", "-M", "prepared", "-c", "\(settings.connections)", "-j", "\(settings.connections)", "-T",
            "\(settings.floorSeconds)",
            "-f", path, conninfo,
        ]
        let output = try await Self.run(pgbench, arguments)
        guard let tps = Self.figure(after: "tps = ", in: output),
            let latency = Self.figure(after: "latency average = ", in: output)
        else { throw CleanExit.message("pgbench did not report a rate:\n\(output.suffix(1500))") }
        return Result(
            transactionsPerSecond: tps, latencyMilliseconds: latency,
            description:
                "pgbench -M prepared -c \(settings.connections) -j \(settings.connections) -T \(settings.floorSeconds), number taken last"
        )
    }

    /// The number after `label` in pgbench's summary.
    static func figure(after label: String, in output: String) -> Double? {
        guard let range = output.range(of: label) else { return nil }
        return Double(output[range.upperBound...].prefix { $0.isNumber || $0 == "." })
    }

    /// Runs `executable` off the cooperative pool (it blocks until the child exits).
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let result = try Shell.run(executable, arguments)
                    if result.status == 0 {
                        continuation.resume(returning: result.output)
                    } else {
                        continuation.resume(
                            throwing: CleanExit.message(
                                "pgbench failed (\(result.status)):\n\(result.output.suffix(2000))"))
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
