import Foundation
import KontorCore
import Logging
import NIOCore
import PostgresNIO

extension MessageStatus: StoredState {}
extension MessageKind: StoredState {}
extension MessageChannel: StoredState {}

/// The message log and the mail worker's cursor over the outbox.
public struct MessageRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    /// A PDF the archive announced that a message is still to be made for.
    public struct PendingDocument: Sendable, Equatable {
        public let seq: Int64
        public let documentID: String
        public let sourceType: String
        public let sourceID: String
    }

    var cursor: OutboxCursor {
        OutboxCursor(table: .messages, eventTypes: [EventType.documentCreated.rawValue], logger: logger)
    }

    /// Tenants with announced documents after their cursor.
    public func tenantsWithPending(tenantID: String?, on conn: PostgresConnection) async throws -> [String] {
        try await cursor.tenantsWithPending(tenantID: tenantID, on: conn)
    }

    /// Locks the tenant's cursor (nil when another node holds it) and returns its position.
    public func lockCursor(tenantID: String, on conn: PostgresConnection) async throws -> Int64? {
        try await cursor.lock(tenantID: tenantID, on: conn)
    }

    /// `document.created` events after `seq`, in order; only PDFs of invoices, credit notes and
    /// notices become messages (the position still moves past the others).
    public func pending(tenantID: String, after seq: Int64, limit: Int, on conn: PostgresConnection) async throws
        -> (documents: [PendingDocument], last: Int64?, scanned: Int)
    {
        let rows = try await conn.query(
            """
            SELECT seq, object_id, data->>'format', data->>'source_type', data->>'source' FROM events
            WHERE tenant_id = \(tenantID) AND type = \(EventType.documentCreated.rawValue) AND seq > \(seq)
            ORDER BY seq LIMIT \(limit)
            """,
            logger: logger.forQuery)
        var documents: [PendingDocument] = []
        var last: Int64?
        var scanned = 0
        for try await (s, id, format, type, source) in rows.decode((Int64, String, String?, String?, String?).self) {
            last = s
            scanned += 1
            guard format == "pdf", let type, let source, ["invoice", "credit_note", "dunning_notice"].contains(type)
            else { continue }
            documents.append(PendingDocument(seq: s, documentID: id, sourceType: type, sourceID: source))
        }
        return (documents, last, scanned)
    }

    public func advance(tenantID: String, to seq: Int64, on conn: PostgresConnection) async throws {
        try await cursor.advance(tenantID: tenantID, to: seq, on: conn)
    }

    /// Stores the messages in one statement, all made at the same instant (a queued one is due
    /// at once); one already made for the same document is kept. Returns the ids stored now.
    @discardableResult
    public func insert(_ messages: [OutgoingMessage], tenantID: String, on conn: PostgresConnection) async throws
        -> [String]
    {
        guard !messages.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            INSERT INTO messages (tenant_id, message_id, customer_id, source_type, source_id, sender, recipient,
                subject, content, status, attempts, next_attempt_at, last_error, created_at, kind, channel)
            SELECT \(tenantID), i, c, st, s, nullif(f, ''), nullif(r, ''), sub, nullif(b, ''::bytea), m, 0,
                   CASE WHEN m = \(state: MessageStatus.queued) THEN \(messages[0].createdAt)::timestamptz END,
                   nullif(e, ''), \(messages[0].createdAt), k, ch
            FROM unnest(\(messages.map(\.id)), \(messages.map(\.customerID)), \(messages.map(\.sourceType)),
                        \(messages.map(\.sourceID)), \(messages.map { $0.sender ?? "" }),
                        \(messages.map { $0.recipient ?? "" }), \(messages.map(\.subject)),
                        \(messages.map { ByteBuffer(bytes: $0.content ?? Data()) }), \(messages.map(\.status.rawValue)),
                        \(messages.map { $0.lastError ?? "" }), \(messages.map(\.kind.rawValue)),
                        \(messages.map(\.channel.rawValue)))
                 AS x(i, c, st, s, f, r, sub, b, m, e, k, ch)
            ON CONFLICT (tenant_id, kind, source_type, source_id) DO NOTHING
            RETURNING message_id
            """,
            logger: logger.forQuery)
        var ids: [String] = []
        for try await id in rows.decode(String.self) { ids.append(id) }
        return ids
    }

    static let columns = """
        message_id, customer_id, source_type, source_id, sender, recipient, subject, content, status, attempts,
        next_attempt_at, last_error, created_at, sent_at, kind, channel
        """

    /// Claims messages to send and commits the claim before anything is sent: queued ones due
    /// by `now`, and `sending` ones whose lease expired (a worker crashed mid-send). Each becomes
    /// `sending` under a lease of `lease` seconds on the database clock (all nodes share it; a
    /// tenant's test clock jumps), its attempt counted (`SKIP LOCKED`: nodes share the work).
    public func claimDue(
        now: Date, limit: Int, lease: TimeInterval = 120, tenantID: String?, on conn: PostgresConnection
    ) async throws -> [(tenantID: String, message: OutgoingMessage)] {
        let rows = try await conn.query(
            """
            WITH due AS (
                SELECT tenant_id, message_id FROM messages
                WHERE ((status = \(state: MessageStatus.queued) AND next_attempt_at <= \(now))
                       OR (status = \(state: MessageStatus.sending) AND leased_until < clock_timestamp()))
                  AND (\(tenantID)::text IS NULL OR tenant_id = \(tenantID))
                ORDER BY coalesce(next_attempt_at, leased_until) LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            )
            UPDATE messages m SET status = \(state: MessageStatus.sending), next_attempt_at = NULL,
                leased_until = clock_timestamp() + make_interval(secs => \(lease)), attempts = m.attempts + 1
            FROM due WHERE m.tenant_id = due.tenant_id AND m.message_id = due.message_id
            RETURNING m.tenant_id, \(unescaped: Self.columns.split(separator: ",").map { "m." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", "))
            """,
            logger: logger.forQuery)
        var result: [(String, OutgoingMessage)] = []
        for try await row in rows {
            result.append((try row.makeRandomAccess()[0].decode(String.self), try Self.message(row, offset: 1)))
        }
        return result
    }

    static func message(_ row: PostgresRow, offset: Int) throws -> OutgoingMessage {
        let c = row.makeRandomAccess()
        func at<T: PostgresDecodable>(_ i: Int, _ type: T.Type) throws -> T { try c[offset + i].decode(T.self) }
        return OutgoingMessage(
            id: try at(0, String.self), customerID: try at(1, String.self), sourceType: try at(2, String.self),
            sourceID: try at(3, String.self), sender: try at(4, String?.self), recipient: try at(5, String?.self),
            subject: try at(6, String.self), content: try at(7, ByteBuffer?.self).map { Data($0.readableBytesView) },
            status: try MessageStatus.stored(try at(8, String.self)), attempts: Int(try at(9, Int32.self)),
            nextAttemptAt: try at(10, Date?.self), lastError: try at(11, String?.self),
            createdAt: try at(12, Date.self), sentAt: try at(13, Date?.self),
            kind: try MessageKind.stored(try at(14, String.self)),
            channel: try MessageChannel.stored(try at(15, String.self)))
    }

    /// Records the outcome of the attempt a claim made; false when the message is no longer
    /// this claim's (its lease expired and another worker took it).
    @discardableResult
    public func record(
        _ id: String, tenantID: String, status: MessageStatus, nextAttemptAt: Date?, error: String?, sentAt: Date?,
        on conn: PostgresConnection
    ) async throws -> Bool {
        let rows = try await conn.query(
            """
            UPDATE messages SET status = \(status.rawValue), next_attempt_at = \(nextAttemptAt), last_error = \(error),
                sent_at = \(sentAt), leased_until = NULL
            WHERE tenant_id = \(tenantID) AND message_id = \(id) AND status = \(state: MessageStatus.sending)
            RETURNING 1
            """,
            logger: logger.forQuery)
        for try await _ in rows { return true }
        return false
    }

    /// A customer's messages, newest first, without their bytes.
    public func list(customerID: String, tenantID: String, limit: Int, on conn: PostgresConnection) async throws
        -> [OutgoingMessage]
    {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns.replacingOccurrences(of: "content", with: "NULL::bytea")) FROM messages
            WHERE tenant_id = \(tenantID) AND customer_id = \(customerID)
            ORDER BY created_at DESC, message_id LIMIT \(limit)
            """,
            logger: logger.forQuery)
        var result: [OutgoingMessage] = []
        for try await row in rows { result.append(try Self.message(row, offset: 0)) }
        return result
    }

    /// What a message about each archived PDF says: its bytes, the customer, their e-mail and
    /// locale, and the document's number, amount, currency and due day (one query for a batch).
    public struct DocumentFacts: Sendable {
        public let documentID: String
        public let content: Data
        public let customerID: String
        public let email: String?
        public let locale: String?
        public let number: String
        public let amount: Int64
        public let currency: String
        public let dueDate: LocalDate?
    }

    public func facts(documentIDs: [String], tenantID: String, on conn: PostgresConnection) async throws
        -> [DocumentFacts]
    {
        guard !documentIDs.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            SELECT d.document_id, d.content, s.customer_id, c.email, c.locale, s.number, s.amount, s.currency, s.due
            FROM documents d
            JOIN LATERAL (
                SELECT i.customer_id, i.number, i.total AS amount, i.currency, i.due_date AS due FROM invoices i
                WHERE d.source_type = 'invoice' AND i.tenant_id = d.tenant_id AND i.invoice_id = d.source_id
                UNION ALL
                SELECT n.customer_id, n.number, n.total, n.currency, NULL FROM credit_notes n
                WHERE d.source_type = 'credit_note' AND n.tenant_id = d.tenant_id AND n.credit_note_id = d.source_id
                UNION ALL
                SELECT m.customer_id, m.level_name, m.items_total + m.fee + m.interest + m.flat_fee, m.currency,
                       m.notice_date + 10
                FROM dunning_notices m
                WHERE d.source_type = 'dunning_notice' AND m.tenant_id = d.tenant_id AND m.notice_id = d.source_id
            ) s ON true
            JOIN customers c ON c.tenant_id = d.tenant_id AND c.customer_id = s.customer_id
            WHERE d.tenant_id = \(tenantID) AND d.document_id = ANY(\(documentIDs))
            """,
            logger: logger.forQuery)
        var result: [DocumentFacts] = []
        for try await (id, content, customer, email, locale, number, amount, currency, due) in rows.decode(
            (String, ByteBuffer, String, String?, String?, String, Int64, String, LocalDate?).self)
        {
            result.append(
                DocumentFacts(
                    documentID: id, content: Data(content.readableBytesView), customerID: customer, email: email,
                    locale: locale, number: number, amount: amount, currency: currency, dueDate: due))
        }
        return result
    }
}
