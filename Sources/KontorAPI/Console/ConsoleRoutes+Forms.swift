import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine

/// What every console form goes through: a session, the session's CSRF secret, and the role's
/// permission for the action — else 403 with nothing changed. The change then runs as the
/// user (the audit trail's actor), with the form's `reason` when it has one.
extension ConsoleRoutes {
    enum Gate {
        case open(ConsoleSession, PortalForm)
        case refused(Response)

        var refused: Response? {
            if case .refused(let r) = self { return r }
            return nil
        }
    }

    func gate(_ request: Request, _ action: ConsoleAction) async throws -> Gate {
        var request = request
        let form = PortalForm(try await request.collectBody(upTo: PortalForm.maxBytes + 1).readableBytesView)
        guard let s = try await session(request) else { return .refused(redirect("/console/login")) }
        guard let form, Self.same(form["csrf"], s.csrf) else {
            return .refused(refusal(s, "Das Formular kam nicht von dieser Sitzung; es wurde nichts geändert."))
        }
        guard s.user.role.may(action) else {
            return .refused(
                refusal(s, "Ihre Rolle (\(s.user.role.rawValue)) darf das nicht; es wurde nichts geändert."))
        }
        return .open(s, form)
    }

    func refusal(_ s: ConsoleSession, _ text: String) -> Response {
        var c = frame(s, title: "Nicht erlaubt")
        c["text"] = text
        return html(.forbidden, "message", c)
    }

    /// Runs a change as the signed-in user.
    func asUser<T>(_ s: ConsoleSession, reason: String? = nil, _ body: () async throws -> T) async throws -> T {
        try await engine.asActor(AuditActor(kind: .user, id: s.user.id), reason: reason, body)
    }

    /// A page's error list from an engine refusal: field names made readable.
    static func messages(_ error: any Error) -> [String]? {
        if let v = error as? ValidationError { return v.errors.map { "\($0.field): \($0.message)" } }
        if let e = error as? EngineError {
            switch e {
            case .notFound(let resource, let id): return ["\(resource) \(id): nicht gefunden"]
            case .conflict(let text), .forbidden(let text): return [text]
            default: return nil
            }
        }
        return nil
    }

    /// The query string of the request without `after` and `format` (for links to other pages
    /// and formats of the same list).
    static func linkQuery(_ request: Request, dropping: Set<String>) -> String {
        (request.uri.query ?? "").split(separator: "&").filter {
            !dropping.contains(String($0.prefix { $0 != "=" }))
        }.joined(separator: "&")
    }

    static func fields(_ request: Request) -> [String: String] {
        var result: [String: String] = [:]
        for (k, v) in request.uri.queryParameters { result[String(k)] = String(v) }
        return result
    }
}
