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

    /// An outbox event a message is still to be made for: an archived document (PDF, or the
    /// XRechnung for a customer who wants XML only), a payment received, a card about to expire.
    public struct PendingEvent: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case document(format: String, sourceType: String, sourceID: String)
            case receipt
            case cardExpiry
        }

        public let seq: Int64
        /// The document, payment or payment method.
        public let objectID: String
        public let kind: Kind
    }

    var cursor: OutboxCursor {
        OutboxCursor(
            table: .messages,
            eventTypes: [
                EventType.documentCreated.rawValue, EventType.paymentSucceeded.rawValue,
                EventType.paymentMethodExpiring.rawValue,
            ], logger: logger)
    }

    /// Tenants with announced documents after their cursor.
    public func tenantsWithPending(tenantID: String?, on conn: PostgresConnection) async throws -> [String] {
        try await cursor.tenantsWithPending(tenantID: tenantID, on: conn)
    }

    /// Locks the tenant's cursor (nil when another node holds it) and returns its position.
    public func lockCursor(tenantID: String, on conn: PostgresConnection) async throws -> Int64? {
        try await cursor.lock(tenantID: tenantID, on: conn)
    }

    /// The events after `seq`, in order, that messages are made from: PDFs and XRechnung files of
    /// invoices, credit notes and notices, payments received, cards expiring (the position still
    /// moves past the others).
    public func pending(tenantID: String, after seq: Int64, limit: Int, on conn: PostgresConnection) async throws
        -> (events: [PendingEvent], last: Int64?, scanned: Int)
    {
        let rows = try await conn.query(
            """
            SELECT seq, type, object_id, data->>'format', data->>'source_type', data->>'source' FROM events
            WHERE tenant_id = \(tenantID) AND seq > \(seq)
              AND type IN (\(EventType.documentCreated.rawValue), \(EventType.paymentSucceeded.rawValue),
                           \(EventType.paymentMethodExpiring.rawValue))
            ORDER BY seq LIMIT \(limit)
            """,
            logger: logger.forQuery)
        var events: [PendingEvent] = []
        var last: Int64?
        var scanned = 0
        for try await (s, type, id, format, sourceType, source) in rows.decode(
            (Int64, String, String, String?, String?, String?).self)
        {
            last = s
            scanned += 1
            switch type {
            case EventType.paymentSucceeded.rawValue:
                events.append(PendingEvent(seq: s, objectID: id, kind: .receipt))
            case EventType.paymentMethodExpiring.rawValue:
                events.append(PendingEvent(seq: s, objectID: id, kind: .cardExpiry))
            default:
                guard let format, format == "pdf" || format == "ubl", let sourceType, let source,
                    ["invoice", "credit_note", "dunning_notice"].contains(sourceType)
                else { continue }
                events.append(
                    PendingEvent(
                        seq: s, objectID: id, kind: .document(format: format, sourceType: sourceType, sourceID: source))
                )
            }
        }
        return (events, last, scanned)
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
        try await list(
            customerID: customerID, channel: nil, status: nil, limit: limit, startingAfter: nil, tenantID: tenantID,
            on: conn)
    }

    /// Messages newest first, without their bytes, by customer, channel and status.
    public func list(
        customerID: String?, channel: MessageChannel?, status: MessageStatus?, limit: Int, startingAfter: String?,
        tenantID: String, on conn: PostgresConnection
    ) async throws -> [OutgoingMessage] {
        let rows = try await conn.query(
            """
            SELECT \(unescaped: Self.columns.replacingOccurrences(of: "content", with: "NULL::bytea")) FROM messages
            WHERE tenant_id = \(tenantID) AND (\(customerID)::text IS NULL OR customer_id = \(customerID))
              AND (\(channel?.rawValue)::text IS NULL OR channel = \(channel?.rawValue))
              AND (\(status?.rawValue)::text IS NULL OR status = \(status?.rawValue))
              AND (\(startingAfter)::text IS NULL OR (created_at, message_id) < (
                  SELECT created_at, message_id FROM messages WHERE tenant_id = \(tenantID) AND message_id = \(startingAfter)))
            ORDER BY created_at DESC, message_id DESC LIMIT \(limit)
            """,
            logger: logger.forQuery)
        var result: [OutgoingMessage] = []
        for try await row in rows { result.append(try Self.message(row, offset: 0)) }
        return result
    }

    /// Marks a letter to print as posted; nil when there is no such letter waiting.
    public func markPosted(_ id: String, tenantID: String, now: Date, on conn: PostgresConnection) async throws
        -> OutgoingMessage?
    {
        let rows = try await conn.query(
            """
            UPDATE messages SET status = \(state: MessageStatus.sent), sent_at = \(now)
            WHERE tenant_id = \(tenantID) AND message_id = \(id) AND status = \(state: MessageStatus.toPrint)
            RETURNING \(unescaped: Self.columns.replacingOccurrences(of: "content", with: "NULL::bytea"))
            """,
            logger: logger.forQuery)
        for try await row in rows { return try Self.message(row, offset: 0) }
        return nil
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
        public let customerName: String?
        /// `pdf` or `xrechnung`: what the customer wants their invoices as.
        public let invoiceDelivery: String
        /// An invoice collected automatically: the type of the customer's default method, and
        /// for a direct debit its mandate reference and IBAN (the pre-notification).
        public let collectedBy: String?
        public let mandateReference: String?
        public let iban: String?
        /// A notice: its policy and level (the level's channel decides how it is sent).
        public let policy: String?
        public let level: Int?
        /// `pdf` or `ubl`, and whether the source has an XRechnung (UBL) archived at all.
        public let format: String
        public let hasXRechnung: Bool
        /// The collection date of the invoice's direct debit by bank file, once scheduled.
        public let debitDate: LocalDate?
    }

    public func facts(documentIDs: [String], tenantID: String, on conn: PostgresConnection) async throws
        -> [DocumentFacts]
    {
        guard !documentIDs.isEmpty else { return [] }
        // Received whole (the future API), not streamed: rows carrying PDFs fill a stream's
        // buffer, and PostgresNIO 1.33 stops the process (a precondition in its row stream state
        // machine) when the server dies while a stream waits for demand.
        let answer = try await conn.query(
            """
            SELECT d.document_id, d.content, s.customer_id, c.email, c.locale, s.number, s.amount, s.currency, s.due,
                   c.name, c.invoice_delivery, CASE WHEN s.automatic THEN pm.type END,
                   CASE WHEN s.automatic THEN pm.sepa_mandate_reference END,
                   CASE WHEN s.automatic THEN pm.sepa_iban END, s.policy, s.level, d.format,
                   EXISTS (SELECT 1 FROM documents u WHERE u.tenant_id = d.tenant_id AND u.source_type = d.source_type
                           AND u.source_id = d.source_id AND u.format = 'ubl'),
                   (SELECT coalesce(sd.collection_date, sd.planned_on) FROM sepa_debits sd
                    WHERE d.source_type = 'invoice' AND sd.tenant_id = d.tenant_id AND sd.invoice_id = d.source_id
                      AND sd.status <> 'canceled'
                    ORDER BY sd.created_at DESC LIMIT 1)
            FROM documents d
            JOIN LATERAL (
                SELECT i.customer_id, i.number, i.total AS amount, i.currency, i.due_date AS due,
                       i.collection_method = 'charge_automatically' AS automatic, NULL::text AS policy, NULL::int AS level
                FROM invoices i
                WHERE d.source_type = 'invoice' AND i.tenant_id = d.tenant_id AND i.invoice_id = d.source_id
                UNION ALL
                SELECT n.customer_id, n.number, n.total, n.currency, NULL, false, NULL, NULL FROM credit_notes n
                WHERE d.source_type = 'credit_note' AND n.tenant_id = d.tenant_id AND n.credit_note_id = d.source_id
                UNION ALL
                SELECT m.customer_id, m.level_name, m.items_total + m.fee + m.interest + m.flat_fee, m.currency,
                       m.notice_date + 10, false, m.policy_code, m.level
                FROM dunning_notices m
                WHERE d.source_type = 'dunning_notice' AND m.tenant_id = d.tenant_id AND m.notice_id = d.source_id
            ) s ON true
            JOIN customers c ON c.tenant_id = d.tenant_id AND c.customer_id = s.customer_id
            LEFT JOIN payment_methods pm ON pm.tenant_id = c.tenant_id AND pm.payment_method_id = c.default_payment_method
                AND pm.status = 'active'
            WHERE d.tenant_id = \(tenantID) AND d.document_id = ANY(\(documentIDs))
            """,
            logger: logger.forQuery
        ).get()
        var result: [DocumentFacts] = []
        for row in answer.rows {
            let r = try row.decode(
                (
                    String, ByteBuffer, String, String?, String?, String, Int64, String, LocalDate?, String?, String,
                    String?, String?, String?, String?, Int32?, String, Bool, LocalDate?
                ).self)
            result.append(
                DocumentFacts(
                    documentID: r.0, content: Data(r.1.readableBytesView), customerID: r.2, email: r.3, locale: r.4,
                    number: r.5, amount: r.6, currency: r.7, dueDate: r.8, customerName: r.9, invoiceDelivery: r.10,
                    collectedBy: r.11, mandateReference: r.12, iban: r.13, policy: r.14, level: r.15.map(Int.init),
                    format: r.16, hasXRechnung: r.17, debitDate: r.18))
        }
        return result
    }

    /// What a receipt says: the payment, its invoice's number, the customer.
    public struct PaymentFacts: Sendable {
        public let paymentID: String
        public let customerID: String
        public let email: String?
        public let locale: String?
        public let customerName: String?
        public let amount: Int64
        public let currency: String
        public let paidAt: Date
        public let invoiceNumber: String?
        /// `card`, `sepa_debit`, `bank_transfer`, or nil (recorded without a method).
        public let method: String?
    }

    public func paymentFacts(ids: [String], tenantID: String, on conn: PostgresConnection) async throws
        -> [PaymentFacts]
    {
        guard !ids.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            SELECT p.payment_id, p.customer_id, c.email, c.locale, c.name, p.amount, p.currency, p.created_at,
                   i.number, pm.type
            FROM payments p
            JOIN customers c ON c.tenant_id = p.tenant_id AND c.customer_id = p.customer_id
            LEFT JOIN invoices i ON i.tenant_id = p.tenant_id AND i.invoice_id = p.invoice_id
            LEFT JOIN payment_methods pm ON pm.tenant_id = p.tenant_id AND pm.payment_method_id = p.payment_method_id
            WHERE p.tenant_id = \(tenantID) AND p.payment_id = ANY(\(ids)) AND p.status = 'succeeded'
            """, logger: logger.forQuery)
        var result: [PaymentFacts] = []
        for try await r in rows.decode(
            (String, String, String?, String?, String?, Int64, String, Date, String?, String?).self)
        {
            result.append(
                PaymentFacts(
                    paymentID: r.0, customerID: r.1, email: r.2, locale: r.3, customerName: r.4, amount: r.5,
                    currency: r.6, paidAt: r.7, invoiceNumber: r.8, method: r.9))
        }
        return result
    }

    /// What a card-expiry notice says: the card and its customer.
    public struct CardFacts: Sendable {
        public let paymentMethodID: String
        public let customerID: String
        public let email: String?
        public let locale: String?
        public let customerName: String?
        public let brand: String
        public let last4: String
        public let expMonth: Int
        public let expYear: Int
    }

    public func cardFacts(ids: [String], tenantID: String, on conn: PostgresConnection) async throws -> [CardFacts] {
        guard !ids.isEmpty else { return [] }
        let rows = try await conn.query(
            """
            SELECT pm.payment_method_id, pm.customer_id, c.email, c.locale, c.name, coalesce(pm.card_brand, 'unknown'),
                   pm.card_last4, pm.card_exp_month, pm.card_exp_year
            FROM payment_methods pm
            JOIN customers c ON c.tenant_id = pm.tenant_id AND c.customer_id = pm.customer_id
            WHERE pm.tenant_id = \(tenantID) AND pm.payment_method_id = ANY(\(ids)) AND pm.type = 'card'
            """, logger: logger.forQuery)
        var result: [CardFacts] = []
        for try await r in rows.decode((String, String, String?, String?, String?, String, String, Int32, Int32).self) {
            result.append(
                CardFacts(
                    paymentMethodID: r.0, customerID: r.1, email: r.2, locale: r.3, customerName: r.4, brand: r.5,
                    last4: r.6, expMonth: Int(r.7), expYear: Int(r.8)))
        }
        return result
    }
}
