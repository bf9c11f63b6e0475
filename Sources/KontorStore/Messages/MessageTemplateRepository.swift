import Foundation
import KontorCore
import Logging
import PostgresNIO

extension MessageTemplateKind: StoredState {}

/// Tenants' own e-mail templates.
public struct MessageTemplateRepository: Sendable {
    public let logger: Logger

    public init(logger: Logger) { self.logger = logger }

    public func list(tenantID: String, on conn: PostgresConnection) async throws -> [MessageTemplate] {
        let rows = try await conn.query(
            """
            SELECT kind, language, subject, text_body, html_body FROM message_templates
            WHERE tenant_id = \(tenantID) ORDER BY kind, language
            """, logger: logger.forQuery)
        var result: [MessageTemplate] = []
        for try await (kind, language, subject, text, html) in rows.decode(
            (String, String, String, String, String).self)
        {
            result.append(
                MessageTemplate(
                    kind: try MessageTemplateKind.stored(kind), language: language, subject: subject, text: text,
                    html: html))
        }
        return result
    }

    public func put(_ t: MessageTemplate, tenantID: String, now: Date, on conn: PostgresConnection) async throws {
        try await conn.query(
            """
            INSERT INTO message_templates (tenant_id, kind, language, subject, text_body, html_body, updated_at)
            VALUES (\(tenantID), \(t.kind.rawValue), \(t.language), \(t.subject), \(t.text), \(t.html), \(now))
            ON CONFLICT (tenant_id, kind, language) DO UPDATE SET subject = EXCLUDED.subject,
                text_body = EXCLUDED.text_body, html_body = EXCLUDED.html_body, updated_at = EXCLUDED.updated_at
            """, logger: logger.forQuery)
    }

    /// Removes the tenant's own template; false when there was none.
    public func delete(kind: MessageTemplateKind, language: String, tenantID: String, on conn: PostgresConnection)
        async throws -> Bool
    {
        let rows = try await conn.query(
            """
            DELETE FROM message_templates WHERE tenant_id = \(tenantID) AND kind = \(kind.rawValue)
              AND language = \(language) RETURNING 1
            """, logger: logger.forQuery)
        for try await _ in rows { return true }
        return false
    }
}
