import Foundation
import KontorCore
import Logging
import NIOCore
import PostgresNIO

/// The document archive and the document worker's cursor over the outbox.
public struct DocumentRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// The events that announce a document: an invoice finalized, a credit note created, a
    /// dunning notice sent.
    static let sourceEvents = [
        EventType.invoiceFinalized.rawValue, EventType.creditNoteCreated.rawValue,
        EventType.dunningLevelReached.rawValue,
    ]

    static func source(of type: String) -> ArchivedDocument.Source {
        switch type {
        case EventType.creditNoteCreated.rawValue: .creditNote
        case EventType.dunningLevelReached.rawValue: .dunningNotice
        default: .invoice
        }
    }

    /// An issued document the worker has still to render: the event that announced it.
    public struct Pending: Sendable, Equatable {
        public let seq: Int64
        public let source: ArchivedDocument.Source
        public let sourceID: String
    }

    var cursor: OutboxCursor { OutboxCursor(table: .documents, eventTypes: Self.sourceEvents, logger: logger) }

    /// The tenants (or `tenantID`) with issued documents after their cursor.
    public func tenantsWithPending(tenantID: String?, on conn: PostgresConnection) async throws -> [String] {
        try await cursor.tenantsWithPending(tenantID: tenantID, on: conn)
    }

    /// Locks the tenant's cursor for this transaction (nil when another node holds it).
    public func lockCursor(tenantID: String, on conn: PostgresConnection) async throws -> Int64? {
        try await cursor.lock(tenantID: tenantID, on: conn)
    }

    /// Invoices, credit notes and dunning notices issued after `seq`, in issue order
    /// (`invoice.finalized`, `credit_note.created`, `dunning.level_reached`; fee items are no
    /// invoices and get none).
    public func pending(tenantID: String, after seq: Int64, limit: Int, on conn: PostgresConnection) async throws
        -> [Pending]
    {
        let rows = try await conn.query(
            """
            SELECT seq, type, object_id FROM events
            WHERE tenant_id = \(tenantID) AND type = ANY(\(Self.sourceEvents))
              AND seq > \(seq)
              AND object_id IS NOT NULL
            ORDER BY seq LIMIT \(limit)
            """,
            logger: logger.forQuery)
        var result: [Pending] = []
        for try await (s, type, id) in rows.decode((Int64, String, String).self) {
            result.append(Pending(seq: s, source: Self.source(of: type), sourceID: id))
        }
        return result
    }

    public func advance(tenantID: String, to seq: Int64, on conn: PostgresConnection) async throws {
        try await cursor.advance(tenantID: tenantID, to: seq, on: conn)
    }

    /// Stores the documents in one statement (the contents bound as a binary `bytea[]`, no
    /// text encoding); one already stored (same source and format) is kept as it is. Returns the
    /// ids stored now.
    @discardableResult
    public func insert(_ documents: [ArchivedDocument], tenantID: String, on conn: PostgresConnection) async throws
        -> [String]
    {
        guard !documents.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            INSERT INTO documents (tenant_id, document_id, source_type, source_id, format, content, sha256,
                template_version, created_at)
            SELECT \(tenantID), i, st, s, f, c, h, v, at
            FROM unnest(\(documents.map(\.id)), \(documents.map(\.source.rawValue)), \(documents.map(\.sourceID)),
                        \(documents.map(\.format.rawValue)), \(documents.map { ByteBuffer(bytes: $0.content) }),
                        \(documents.map(\.sha256)), \(documents.map(\.templateVersion)), \(documents.map(\.createdAt)))
                 AS d(i, st, s, f, c, h, v, at)
            ON CONFLICT (tenant_id, source_type, source_id, format) DO NOTHING
            RETURNING document_id
            """,
            logger: logger.forQuery)
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }

    /// Customer credit applied to each invoice when it was issued (what its document shows as
    /// paid in advance, BT-113) — not payments collected after, which a document issued before
    /// them cannot know.
    public func creditAppliedAtIssue(invoiceIDs: [String], tenantID: String, on conn: PostgresConnection)
        async throws -> [String: Int64]
    {
        guard !invoiceIDs.isEmpty else { return [:] }
        let rows = try await conn.query(
            """
            SELECT invoice_id, sum(amount)::bigint FROM allocations
            WHERE tenant_id = \(tenantID) AND invoice_id = ANY(\(invoiceIDs))
              AND kind = \(AllocationKind.customerCredit.rawValue)
            GROUP BY invoice_id
            """,
            logger: logger.forQuery)
        var result: [String: Int64] = [:]
        for try await (id, amount) in rows.decode((String, Int64).self) { result[id] = amount }
        return result
    }

    public func find(
        source: ArchivedDocument.Source, sourceID: String, format: ArchivedDocument.Format, tenantID: String,
        on conn: PostgresConnection
    ) async throws -> ArchivedDocument? {
        let rows = try await conn.query(
            """
            SELECT document_id, content, sha256, template_version, created_at FROM documents
            WHERE tenant_id = \(tenantID) AND source_type = \(source.rawValue) AND source_id = \(sourceID)
              AND format = \(format.rawValue)
            """,
            logger: logger.forQuery)
        for try await (id, content, sha, version, at) in rows.decode((String, ByteBuffer, String, String, Date).self) {
            return ArchivedDocument(
                id: id, source: source, sourceID: sourceID, format: format, content: Data(content.readableBytesView),
                sha256: sha,
                templateVersion: version, createdAt: at)
        }
        return nil
    }
}
