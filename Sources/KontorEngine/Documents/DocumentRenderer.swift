import Crypto
import Foundation
import KontorCore
import KontorDocuments

/// What a tenant's letters carry besides the seller on the document: the footer line, the
/// logo and the SEPA creditor identifier (read once per batch; the logo only then).
struct Letterhead: Sendable {
    var footer: String?
    var logo: JPEGImage?
    var creditorID: String?

    init(profile: TenantProfile, logo: [UInt8]?) {
        footer = profile.documents.documentFooter
        self.logo = logo.flatMap { try? JPEGImage(bytes: $0) }
        creditorID = profile.documents.sepaCreditorID
    }

    func seller(_ e: EInvoice) -> DocumentSeller { DocumentSeller(e, creditorID: creditorID, footerNote: footer) }
}

/// One issued invoice or credit note to render, in the language of its buyer.
struct RenderJob: Sendable {
    var invoice: EInvoice
    var source: ArchivedDocument.Source
    var sourceID: String
    var language: DocumentLanguage
    /// The buyer's portal link, printed at the letter's end.
    var portal: String? = nil
}

/// Renders an issued invoice or credit note into the archive's documents — one per format —
/// with their SHA-256 and the template version. Pure: everything it needs is given.
enum DocumentRenderer {
    static let pdf = DocumentPDF()

    /// Every format the document can be valid in: CII and the PDF always, UBL only when the
    /// document meets what XRechnung adds (it claims XRechnung in its CustomizationID).
    static func documents(of job: RenderJob, letterhead: Letterhead, now: Date) -> [ArchivedDocument] {
        let e = job.invoice
        // The CII is written once: it is a document of its own and the PDF's attachment.
        let cii = CIIWriter.bytes(e)
        return ArchivedDocument.Format.allCases.filter { $0 != .ubl || e.xrechnungGaps.isEmpty }.map { format in
            let bytes: [UInt8] =
                switch format {
                case .cii: cii
                case .ubl: UBLWriter.bytes(e)
                case .pdf:
                    pdf.invoice(
                        e, cii: cii, seller: letterhead.seller(e), language: job.language, logo: letterhead.logo,
                        portal: job.portal)
                }
            return archived(bytes, source: job.source, sourceID: job.sourceID, format: format, now: now)
        }
    }

    static func archived(
        _ bytes: [UInt8], source: ArchivedDocument.Source, sourceID: String, format: ArchivedDocument.Format,
        now: Date
    ) -> ArchivedDocument {
        ArchivedDocument(
            id: Identifier.make("doc"), source: source, sourceID: sourceID, format: format, content: Data(bytes),
            sha256: hex(SHA256.hash(data: bytes)), templateVersion: DocumentTemplate.version, createdAt: now)
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex (`String(format:)` per byte was a twentieth of a document's work).
    static func hex(_ digest: SHA256.Digest) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for b in digest {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Renders `work` in parts of `part` and hands each part to `store` while the next one
    /// renders: the database stores one part as the cores make the next, instead of the cores
    /// waiting for the database and the database for the cores. Parts reach `store` in order,
    /// one at a time.
    static func render(
        _ work: [RenderJob], letterhead: Letterhead, now: Date, part: Int = 64,
        store: ([ArchivedDocument]) async throws -> Void
    ) async throws {
        var carry: [ArchivedDocument]?
        var start = 0
        while start < work.count {
            let slice = Array(work[start..<min(start + part, work.count)])
            start += part
            async let next = documents(of: slice, letterhead: letterhead, now: now)
            if let carry { try await store(carry) }
            carry = await next
        }
        if let carry { try await store(carry) }
    }

    /// Renders many documents on all cores: the work is pure, so chunks run side by side and
    /// come back in the order given.
    static func documents(of work: [RenderJob], letterhead: Letterhead, now: Date) async -> [ArchivedDocument] {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard work.count > 8, cores > 1 else {
            return work.flatMap { documents(of: $0, letterhead: letterhead, now: now) }
        }
        let size = (work.count + cores - 1) / cores
        let chunks = stride(from: 0, to: work.count, by: size).map { Array(work[$0..<min($0 + size, work.count)]) }
        return await withTaskGroup(of: (Int, [ArchivedDocument]).self) { group in
            for (i, chunk) in chunks.enumerated() {
                group.addTask { (i, chunk.flatMap { documents(of: $0, letterhead: letterhead, now: now) }) }
            }
            var parts = [[ArchivedDocument]](repeating: [], count: chunks.count)
            for await (i, part) in group { parts[i] = part }
            return parts.flatMap { $0 }
        }
    }
}
