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
            let content = Data(xml(e, format).utf8)
            return ArchivedDocument(
                id: Identifier.make("doc"), source: source, sourceID: sourceID, format: format, content: content,
                sha256: SHA256.hash(data: content).map { String(format: "%02x", $0) }.joined(),
                templateVersion: DocumentTemplate.version, createdAt: now)
        }
    }

    static func xml(_ e: EInvoice, _ format: ArchivedDocument.Format) -> String {
        switch format {
        case .cii: CIIWriter.xml(e)
        case .ubl: UBLWriter.xml(e)
        }
    }
}
