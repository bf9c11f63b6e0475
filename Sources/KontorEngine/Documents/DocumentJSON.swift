import Foundation
import KontorCore

/// The document object (`document.created`): what was archived, without its bytes.
public struct DocumentJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "document"
    /// `invoice`, `credit_note`, `dunning_notice` or `statement`.
    public var sourceType: String
    public var source: String
    /// `cii`, `ubl` or `pdf`.
    public var format: String
    public var contentType: String
    public var size: Int
    public var sha256: String
    public var templateVersion: String
    public var createdAt: Date

    public init(_ d: ArchivedDocument) {
        id = d.id
        sourceType = d.source.rawValue
        source = d.sourceID
        format = d.format.rawValue
        contentType = d.format.contentType
        size = d.content.count
        sha256 = d.sha256
        templateVersion = d.templateVersion
        createdAt = d.createdAt
    }
}
