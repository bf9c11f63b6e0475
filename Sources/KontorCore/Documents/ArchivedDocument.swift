import Foundation

/// A document as the archive keeps it: rendered once, never changed, served as stored.
public struct ArchivedDocument: Sendable, Equatable {
    public enum Source: String, Sendable, CaseIterable {
        case invoice
        case creditNote = "credit_note"
    }

    /// What the bytes are: an e-invoice syntax (later also `pdf`).
    public enum Format: String, Sendable, CaseIterable {
        /// UN/CEFACT CII, Factur-X / ZUGFeRD EN 16931.
        case cii
        /// UBL 2.1, XRechnung 3.0.
        case ubl

        public var contentType: String { "application/xml; charset=utf-8" }
        public var fileExtension: String { "xml" }
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
