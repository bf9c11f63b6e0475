import Foundation
import KontorCore
import KontorStore

/// The message template object of the API.
public struct MessageTemplateJSON: Codable, Sendable, Equatable {
    public var object = "message_template"
    public var kind: String
    public var language: String
    public var subject: String
    public var text: String
    public var html: String
    /// Whether the tenant set it (false: the built-in template).
    public var custom: Bool

    init(_ t: MessageTemplate, custom: Bool) {
        kind = t.kind.rawValue
        language = t.language
        subject = t.subject
        text = t.text
        html = t.html
        self.custom = custom
    }
}

/// Tenants' e-mail templates: every kind in German and English, the tenant's own or the
/// built-in one; set one (checked: it must parse as Mustache), or go back to the built-in.
public struct MessageTemplateService: Sendable {
    let operations: OperationRunner
    let templates: MessageTemplateRepository

    init(database: Database, operations: OperationRunner) {
        self.operations = operations
        self.templates = MessageTemplateRepository(logger: database.logger)
    }

    public func list(tenant: Tenant) async throws -> [MessageTemplateJSON] {
        let own = try await operations.read(tenant) { try await templates.list(tenantID: tenant.id, on: $0.connection) }
        return MessageTemplateKind.allCases.flatMap { kind in
            MessageTemplate.languages.map { language in
                if let t = own.first(where: { $0.kind == kind && $0.language == language }) {
                    return MessageTemplateJSON(t, custom: true)
                }
                return MessageTemplateJSON(DefaultMailTemplates.template(kind, language), custom: false)
            }
        }
    }

    public func put(
        kind: String, language: String, subject: String?, text: String?, html: String?, tenant: Tenant
    ) async throws -> MessageTemplateJSON {
        let (kind, language) = try Self.key(kind, language)
        let t = MessageTemplate(
            kind: kind, language: language, subject: subject ?? "", text: text ?? "", html: html ?? "")
        let problems = t.problems()
        guard problems.isEmpty else { throw ValidationError(problems) }
        _ = try MailTemplates.compile(t)
        return try await operations.run(tenant) { op in
            try await templates.put(t, tenantID: tenant.id, now: op.now, on: op.connection)
            return MessageTemplateJSON(t, custom: true)
        }
    }

    /// Back to the built-in template; 404 when the tenant had none of its own.
    public func delete(kind: String, language: String, tenant: Tenant) async throws {
        let (kind, language) = try Self.key(kind, language)
        try await operations.run(tenant) { op in
            guard try await templates.delete(kind: kind, language: language, tenantID: tenant.id, on: op.connection)
            else { throw EngineError.notFound(resource: "message template", id: "\(kind.rawValue)/\(language)") }
        }
    }

    static func key(_ kind: String, _ language: String) throws -> (MessageTemplateKind, String) {
        guard let k = MessageTemplateKind(rawValue: kind), MessageTemplate.languages.contains(language) else {
            throw EngineError.notFound(resource: "message template", id: "\(kind)/\(language)")
        }
        return (k, language)
    }
}
