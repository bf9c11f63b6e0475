import Foundation

/// A real SMTP server on loopback for the mail tests: `Tests/Oracles/smtp_server.py` (aiosmtpd
/// in the oracle venv). Messages it takes are files in `directory`; `messages()` reads them
/// back with Python's `email` package (`mail_parse.py`).
public final class SMTPTestServer: @unchecked Sendable {
    public struct Received: Decodable, Sendable {
        public struct Attachment: Decodable, Sendable {
            public let filename: String?
            public let contentType: String
            public let sha256: String

            enum CodingKeys: String, CodingKey {
                case filename, sha256
                case contentType = "content_type"
            }
        }

        public let file: String
        public let from: String
        public let to: String
        public let subject: String
        public let messageId: String
        public let text: String?
        public let html: String?
        public let attachments: [Attachment]
        public let defects: [String]

        enum CodingKeys: String, CodingKey {
            case file, from, to, subject, text, html, attachments, defects
            case messageId = "message_id"
        }
    }

    public let port: Int
    public let directory: URL
    let process: Process
    let input: Pipe

    /// How the server speaks TLS.
    public enum TLS: String, Sendable {
        case none = ""
        case startTLS = "--starttls"
        case startTLSRequired = "--starttls-required"
        case implicit = "--smtps"
    }

    /// The CA that signed the server's certificate (with TLS).
    public var caFile: URL { directory.appendingPathComponent("ca.pem") }

    public init(tls: TLS = .none) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("smtp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        process = Process()
        process.executableURL = try EInvoiceOracle.python()
        process.arguments =
            [
                EInvoiceOracle.root.appendingPathComponent("Tests/Oracles/smtp_server.py").path, directory.path,
            ] + (tls == .none ? [] : [tls.rawValue])
        input = Pipe()
        let output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        var line = Data()
        while let byte = try output.fileHandleForReading.read(upToCount: 1), !byte.isEmpty, byte != Data("\n".utf8) {
            line += byte
        }
        guard let port = Int(String(decoding: line, as: UTF8.self)) else {
            process.terminate()
            throw EInvoiceOracle.OracleFailed(description: "the SMTP test server did not start")
        }
        self.port = port
    }

    /// Stops the server. (Closing its stdin is not enough: a process started later — the test
    /// PostgreSQL — may have inherited the pipe's other end.)
    public func stop() {
        try? input.fileHandleForWriting.close()
        // SIGKILL: the test process may ignore SIGTERM, and an ignored signal stays ignored in
        // its children.
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitBounded(seconds: 10)
        try? FileManager.default.removeItem(at: directory)
    }

    deinit { if process.isRunning { process.terminate() } }

    /// The messages received so far, oldest first, as Python's `email` package reads them.
    public func messages() throws -> [Received] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".eml") }
            .sorted().map { directory.appendingPathComponent($0).path }
        guard !files.isEmpty else { return [] }
        let out = try EInvoiceOracle.run(
            try EInvoiceOracle.python().path,
            [EInvoiceOracle.root.appendingPathComponent("Tests/Oracles/mail_parse.py").path] + files)
        return try out.split(separator: "\n").filter { $0.hasPrefix("{") }.map {
            try JSONDecoder().decode(Received.self, from: Data($0.utf8))
        }
    }

    /// The envelope (`from`, `to`, `auth`, `tls`) of each message received.
    public func envelopes() throws -> [[String: Any]] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
            .map {
                try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent($0)))
                    as? [String: Any] ?? [:]
            }
    }
}
