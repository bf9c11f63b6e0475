import Hummingbird
import KontorCore

/// `?limit=` (1–100, default 20) and `?starting_after=` of every list endpoint.
struct ListQuery {
    let limit: Int
    let startingAfter: String?
    /// The endpoint's own filters (`?customer=`), by name.
    let filters: [String: String]

    init(_ request: Request, filters allowed: [String] = []) throws {
        let query = request.uri.queryParameters
        var errors: [FieldError] = []
        if let raw = query["limit"] {
            if let value = Int(String(raw)), (1...100).contains(value) {
                limit = value
            } else {
                limit = 20
                errors.append(FieldError(field: "limit", message: "must be an integer from 1 to 100"))
            }
        } else {
            limit = 20
        }
        startingAfter = query["starting_after"].map(String.init)
        var filters: [String: String] = [:]
        for name in allowed { if let value = query[name[...]] { filters[name] = String(value) } }
        self.filters = filters
        for (key, _) in query where !(["limit", "starting_after"] + allowed).contains(String(key)) {
            errors.append(FieldError(field: String(key), message: "is not a known query parameter"))
        }
        if !errors.isEmpty { throw Problem.invalid(errors) }
    }
}

/// `{"data": [...], "has_more": bool}`.
struct ListPage<Item: Encodable>: Encodable {
    let object = "list"
    let data: [Item]
    let hasMore: Bool
}
