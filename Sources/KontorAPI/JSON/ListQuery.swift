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
        if let startingAfter, !Self.looksLikeID(startingAfter) {
            errors.append(FieldError(field: "starting_after", message: "must be an object id of this list"))
        }
        var filters: [String: String] = [:]
        for name in allowed {
            guard let value = query[name[...]].map(String.init) else { continue }
            filters[name] = value
            if let prefix = Self.idPrefixes[name] {
                if prefix.isEmpty ? !Self.looksLikeID(value) : !Identifier.looksValid(value, prefix: prefix) {
                    errors.append(
                        FieldError(
                            field: name,
                            message: prefix.isEmpty ? "must be an object id" : "must be an id starting with \(prefix)_")
                    )
                }
            } else if value.isEmpty || value.count > 100
                || !value.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 && $0.value != 0x7F })
            {
                errors.append(FieldError(field: name, message: "must be 1 to 100 printable ASCII characters"))
            }
        }
        self.filters = filters
        for (key, _) in query where !(["limit", "starting_after"] + allowed).contains(String(key)) {
            errors.append(FieldError(field: String(key), message: "is not a known query parameter"))
        }
        if !errors.isEmpty { throw Problem.invalid(errors) }
    }
}

extension ListQuery {
    /// Filters that name an object, with the prefix its id must carry: anything else is refused
    /// before it reaches the database (a NUL byte, a card number, a typo).
    static let idPrefixes: [String: String] = [
        "customer": "cus", "subscription": "sub", "invoice": "inv", "object": "",
    ]

    /// The shape every Kontor id has: `prefix_` and base62, at most 64 characters.
    static func looksLikeID(_ text: String) -> Bool {
        guard text.count <= 64, let underscore = text.firstIndex(of: "_"), underscore != text.startIndex else {
            return false
        }
        return text.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_")
        }
    }
}

/// `{"data": [...], "has_more": bool}`.
struct ListPage<Item: Encodable>: Encodable {
    let object = "list"
    let data: [Item]
    let hasMore: Bool
}
