import Foundation
import Hummingbird
import KontorCore

/// What no input may carry, refused before anything parses, stores or logs it (invariants 6
/// and 8): a full card number (PAN) where one could be typed, a NUL byte (PostgreSQL text
/// cannot hold one), and JSON that two parsers could read differently (a byte order mark, a
/// name twice in one object). Answers name the field and never repeat the value.
///
/// Every JSON string, object key and number is checked as decoded, so `\u0034…` escapes hide
/// nothing. Structured references — IBANs, BICs, mandate and end-to-end ids, bank references,
/// invoice numbers — are not typed card numbers and are left alone: a bank reference of 13 to
/// 19 digits passes the Luhn check one time in ten. Bank statements (XML) are not JSON: the
/// import masks card numbers in their remittance texts instead.
struct InputGuardMiddleware: RouterMiddleware {
    typealias Context = KontorRequestContext

    /// Keys whose values are structured references, never a place to type a card number.
    static var structuredKeys: Set<String> {
        ["iban", "bic", "mandate_reference", "end_to_end_id", "reference", "number", "creditor_id"]
    }

    /// Paths whose bodies are not JSON.
    static func isXMLUpload(_ path: String) -> Bool { path.hasSuffix("/bank_statements") }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard [.post, .put, .patch].contains(request.method), !Self.isXMLUpload(request.uri.path) else {
            return try await next(request, context)
        }
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let bytes = Array(buffer.readableBytesView)
        guard !bytes.isEmpty else { return try await next(request, context) }
        if JSONStrictness.startsWithByteOrderMark(bytes) {
            throw Problem.badRequest("The request body must not start with a byte order mark (RFC 8259).")
        }
        if let duplicate = JSONStrictness.firstDuplicateKey(bytes) {
            throw Problem.invalid([FieldError(field: duplicate, message: "is given twice; each name once")])
        }
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes)) else {
            return try await next(request, context)
        }
        if let problem = Self.find(value, path: "") { throw Problem.invalid([problem]) }
        var context = context
        context.parsedBody = value
        return try await next(request, context)
    }

    /// The first field whose decoded key or value carries a NUL byte or a card number.
    static func find(_ value: JSONValue, path: String, structured: Bool = false) -> FieldError? {
        switch value {
        case .string(let s):
            return check(s, field: path, structured: structured)
        case .integer(let n):
            return structured ? nil : check(String(n), field: path, structured: false)
        case .number(let d):
            return structured ? nil : check(String(format: "%.0f", d), field: path, structured: false)
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let found = find(item, path: "\(path)[\(i)]", structured: structured) { return found }
            }
            return nil
        case .object(let object):
            for key in object.keys.sorted() {
                let child = path.isEmpty ? key : "\(path).\(key)"
                if let found = check(
                    key, field: path.isEmpty ? CardNumberGuard.masked(key) : "\(path).\(CardNumberGuard.masked(key))",
                    structured: false, isKey: true)
                {
                    return found
                }
                if let found = find(object[key]!, path: child, structured: structuredKeys.contains(key)) {
                    return found
                }
            }
            return nil
        case .null, .bool: return nil
        }
    }

    static func check(_ text: String, field: String, structured: Bool, isKey: Bool = false) -> FieldError? {
        if text.utf8.contains(0) {
            return FieldError(
                field: field, message: isKey ? "has a NUL byte in its name" : "must not contain a NUL byte")
        }
        if !structured, CardNumberGuard.containsCardNumber(text) {
            return FieldError(
                field: field,
                message: (isKey ? "has a name that " : "")
                    + "looks like a full card number; send the token from your payment provider, never the number")
        }
        return nil
    }
}

/// The request line: every decoded path segment and query parameter, before the request is
/// logged or routed. A NUL byte or a card number in an id or a cursor never reaches the
/// database or the log.
enum RequestLineGuard {
    static func check(_ request: Request) throws {
        var errors: [FieldError] = []
        for segment in request.uri.path.split(separator: "/") {
            let decoded = String(segment).removingPercentEncoding ?? String(segment)
            if let e = InputGuardMiddleware.check(decoded, field: "path", structured: false) {
                errors.append(e)
                break
            }
        }
        for (key, value) in request.uri.queryParameters {
            for (text, isKey) in [(String(key), true), (String(value), false)] {
                if let e = InputGuardMiddleware.check(
                    text, field: String(key).utf8.contains(0) ? "query" : String(key), structured: false, isKey: isKey)
                {
                    errors.append(e)
                }
            }
        }
        if !errors.isEmpty { throw Problem.invalid(errors) }
    }
}

/// `RequestLineGuard` ahead of the request log, answering problem+json itself (it runs outside
/// `ProblemMiddleware`).
struct RequestLineMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        do {
            try RequestLineGuard.check(request)
        } catch let problem as Problem {
            return try problem.response(from: request, context: context)
        }
        return try await next(request, context)
    }
}
