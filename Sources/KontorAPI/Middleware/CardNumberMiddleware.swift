import Foundation
import Hummingbird
import KontorCore

/// Refuses any request body that carries what looks like a full card number (PAN), in any
/// field, with a 422 naming the field — before anything parses, stores or logs it. The number
/// itself appears nowhere in the answer (PCI DSS; invariant 6).
struct CardNumberMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response)
        async throws -> Response
    {
        guard [.post, .put, .patch].contains(request.method) else { return try await next(request, context) }
        var request = request
        let buffer = try await request.collectBody(upTo: context.maxUploadSize)
        let text = String(buffer: buffer)
        if CardNumberGuard.containsCardNumber(text) {
            let field = Self.field(in: Data(buffer.readableBytesView)) ?? "(body)"
            throw Problem.invalid([
                FieldError(
                    field: field,
                    message:
                        "looks like a full card number; send the token from your payment provider, never the number"
                )
            ])
        }
        return try await next(request, context)
    }

    /// The path of the first value that holds the number (`card.token`, `metadata.note`).
    static func field(in data: Data) -> String? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: data) else { return nil }
        return find(value, path: "")
    }

    static func find(_ value: JSONValue, path: String) -> String? {
        switch value {
        case .string(let s): return CardNumberGuard.containsCardNumber(s) ? path : nil
        case .integer(let n): return CardNumberGuard.containsCardNumber(String(n)) ? path : nil
        case .number(let d): return CardNumberGuard.containsCardNumber(String(format: "%.0f", d)) ? path : nil
        case .array(let items):
            for (i, item) in items.enumerated() {
                if let found = find(item, path: "\(path)[\(i)]") { return found }
            }
            return nil
        case .object(let object):
            for key in object.keys.sorted() {
                if let found = find(object[key]!, path: path.isEmpty ? key : "\(path).\(key)") { return found }
            }
            return nil
        case .null, .bool: return nil
        }
    }
}
