import Crypto
import Foundation
import KontorCore
import KontorDocuments

/// Renders an issued invoice or credit note into the archive's documents — one per format —
/// with their SHA-256 and the template version. Pure: everything it needs is given.
enum DocumentRenderer {
    /// Every format the document can be valid in: CII always, UBL only when the document
    /// meets what XRechnung adds (it claims XRechnung in its CustomizationID).
    static func documents(
        of e: EInvoice, source: ArchivedDocument.Source, sourceID: String, now: Date
    ) -> [ArchivedDocument] {
        ArchivedDocument.Format.allCases.filter { $0 != .ubl || e.xrechnungGaps.isEmpty }.map { format in
            let content = Data(bytes(e, format))
            return ArchivedDocument(
                id: Identifier.make("doc"), source: source, sourceID: sourceID, format: format, content: content,
                sha256: SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined(),
                templateVersion: DocumentTemplate.version, createdAt: now)
        }
    }

    static func bytes(_ e: EInvoice, _ format: ArchivedDocument.Format) -> [UInt8] {
        switch format {
        case .cii: CIIWriter.bytes(e)
        case .ubl: UBLWriter.bytes(e)
        }
    }

    /// Renders many documents on all cores: the work is pure, so chunks run side by side and
    /// come back in the order given.
    static func documents(
        of work: [(EInvoice, ArchivedDocument.Source, String)], now: Date
    ) async -> [ArchivedDocument] {
        let cores = max(1, ProcessInfo.processInfo.activeProcessorCount)
        guard work.count > 8, cores > 1 else {
            return work.flatMap { documents(of: $0.0, source: $0.1, sourceID: $0.2, now: now) }
        }
        let size = (work.count + cores - 1) / cores
        let chunks = stride(from: 0, to: work.count, by: size).map { Array(work[$0..<min($0 + size, work.count)]) }
        return await withTaskGroup(of: (Int, [ArchivedDocument]).self) { group in
            for (i, chunk) in chunks.enumerated() {
                group.addTask { (i, chunk.flatMap { documents(of: $0.0, source: $0.1, sourceID: $0.2, now: now) }) }
            }
            var parts = [[ArchivedDocument]](repeating: [], count: chunks.count)
            for await (i, part) in group { parts[i] = part }
            return parts.flatMap { $0 }
        }
    }
}
