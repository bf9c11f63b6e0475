import Foundation

/// What a recipient's tools read from PDFs the tests produce: `Tests/Oracles/pdf_check.py`
/// runs `qpdf --check`, factur-x's `get_xml_from_pdf(check_xsd=True)`, the PDF/A-3b rules a
/// reader can check (pikepdf, LittleCMS, fontTools), `pdftotext`, and
/// `zbarimg` on page 1 rendered by `pdftoppm` (the venv of `EInvoiceOracle`; qpdf,
/// poppler-utils and zbar-tools from the system, which `.ci/run` installs).
public enum PDFOracle {
    public struct Report: Decodable, Sendable {
        public let file: String
        public let qpdf: String
        public let facturx: String
        public let xmlName: String?
        public let xmlSha256: String?
        public let flavor: String?
        public let level: String?
        public let text: String
        public let pages: Int
        public let qr: [String]
        /// The PDF/A-3b rules the file breaks, of those `pdf_check.py` can check.
        public let pdfa: [String]

        enum CodingKeys: String, CodingKey {
            case file, qpdf, facturx, flavor, level, text, pages, qr, pdfa
            case xmlName = "xml_name"
            case xmlSha256 = "xml_sha256"
        }
    }

    /// Whether the system tools are there (a developer machine may lack them; CI installs them).
    public static var available: Bool {
        ["qpdf", "pdftotext", "pdftoppm", "zbarimg"].allSatisfy { tool in
            ["/usr/bin/", "/usr/local/bin/"].contains { FileManager.default.isExecutableFile(atPath: $0 + tool) }
        }
    }

    /// Checks each named PDF; returns the reports keyed by name. `KONTOR_KEEP_PDF=<dir>` keeps
    /// the files (and `KONTOR_KEEP_PNG=<dir>` page 1 as PNG) to look at.
    public static func check(_ files: [String: [UInt8]]) async throws -> [String: Report] {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try checkBlocking(files) }) }.start()
        }
    }

    static func checkBlocking(_ files: [String: [UInt8]]) throws -> [String: Report] {
        var names: [String: String] = [:]
        let output = try EInvoiceOracle.runScript(
            "pdf_check.py", on: files, suffix: "pdf", keepIn: ProcessInfo.processInfo.environment["KONTOR_KEEP_PDF"],
            names: &names)
        var reports: [String: Report] = [:]
        for line in output.split(separator: "\n") where line.hasPrefix("{") {
            let report = try JSONDecoder().decode(Report.self, from: Data(line.utf8))
            reports[names[report.file] ?? report.file] = report
        }
        return reports
    }
}
