import Foundation

/// The bank's side of a pain.008 file: `Tests/Oracles/sepa_check.py` validates it against the
/// official XSD (from the `sepaxml` package), reads it back with lxml, and checks IBANs, BICs
/// (schwifty) and the creditor id (python-stdnum), in the oracle venv.
public enum SEPAOracle {
    public struct Transaction: Decodable, Sendable {
        public let endToEndId: String
        public let amount: String
        public let currency: String
        public let mandate: String
        public let signed: String
        public let amended: Bool
        public let originalMandate: String?
        public let originalIban: String?
        public let originalAgent: String?
        public let debtor: String
        public let iban: String
        public let bic: String?
        public let remittance: String?
    }

    public struct Block: Decodable, Sendable {
        public let id: String
        public let date: String
        public let scheme: String
        public let sequence: String
        public let count: Int
        public let controlSum: String
        public let creditorId: String?
        public let transactions: [Transaction]
    }

    public struct Report: Decodable, Sendable {
        public let file: String
        public let version: String
        public let xsd: String
        public let messageId: String
        public let count: Int
        public let controlSum: String
        public let blocks: [Block]
        public let problems: [String]
    }

    /// Checks each named file's bytes; the reports keyed by name. Waited for on a thread of its
    /// own, never on the cooperative pool.
    public static func check(_ files: [String: [UInt8]]) async throws -> [String: Report] {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try checkBlocking(files) }) }.start()
        }
    }

    static func checkBlocking(_ files: [String: [UInt8]]) throws -> [String: Report] {
        var names: [String: String] = [:]
        let output = try EInvoiceOracle.runScript("sepa_check.py", on: files, suffix: "xml", names: &names)
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        var reports: [String: Report] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("{") {
            let report = try decoder.decode(Report.self, from: Data(line.utf8))
            reports[names[report.file] ?? report.file] = report
        }
        return reports
    }
}
