import Foundation

/// A document as the archive keeps it: rendered once, never changed, served as stored.
public struct ArchivedDocument: Sendable, Equatable {
    public enum Source: String, Sendable, CaseIterable {
        case invoice
        case creditNote = "credit_note"
        case dunningNotice = "dunning_notice"
        /// An account statement; its source id names the customer, the day and what it showed.
        case statement
    }

    /// What the bytes are: an e-invoice syntax or the PDF.
    public enum Format: String, Sendable, CaseIterable {
        /// UN/CEFACT CII, Factur-X / ZUGFeRD EN 16931.
        case cii
        /// UBL 2.1, XRechnung 3.0.
        case ubl
        /// PDF/A-3b; for invoices and credit notes with the CII embedded (ZUGFeRD hybrid).
        case pdf

        public var contentType: String { self == .pdf ? "application/pdf" : "application/xml; charset=utf-8" }
        public var fileExtension: String { self == .pdf ? "pdf" : "xml" }
    }

    public var id: String
    public var source: Source
    public var sourceID: String
    public var format: Format
    public var content: Data
    /// Lower-case hex SHA-256 of `content`.
    public var sha256: String
    public var templateVersion: String
    public var createdAt: Date

    public init(
        id: String, source: Source, sourceID: String, format: Format, content: Data, sha256: String,
        templateVersion: String, createdAt: Date
    ) {
        self.id = id
        self.source = source
        self.sourceID = sourceID
        self.format = format
        self.content = content
        self.sha256 = sha256
        self.templateVersion = templateVersion
        self.createdAt = createdAt
    }
}
