import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/customers`: thin — parse, call `CustomerService`, encode.
struct CustomerRoutes {
    let service: CustomerService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.post("customers", use: create)
        group.get("customers", use: list)
        group.get("customers/{id}", use: get)
        group.patch("customers/{id}", use: update)
    }

    @Sendable func create(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.object(&request, context: context)
        let input = Self.read(&reader)
        try reader.finish()
        let answer = Answer<Customer>(status: .created) { try KontorJSON.encode(CustomerJSON($0)) }
        let outcome = try await service.create(
            input, tenant: tenant, idempotency: try answer.idempotency(request, body: bytes))
        return try answer.response(outcome)
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let customer = try await service.get(try context.parameters.require("id"), tenant: try context.requireTenant())
        return try .json(CustomerJSON(customer))
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request)
        let page = try await service.list(
            tenant: try context.requireTenant(), limit: query.limit, startingAfter: query.startingAfter
        )
        return try .json(ListPage(data: page.customers.map(CustomerJSON.init), hasMore: page.hasMore))
    }

    @Sendable func update(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try context.parameters.require("id")
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let input = Self.read(&reader)
        try reader.finish()
        let customer = try await service.update(id, input, tenant: tenant)
        return try .json(CustomerJSON(customer))
    }

    /// The customer fields of API.md; the same reader serves create and patch.
    static func read(_ reader: inout ObjectReader) -> CustomerInput {
        var input = CustomerInput()
        input.name = reader.string("name")
        input.email = reader.string("email")
        input.externalID = reader.string("external_id")
        input.kind = reader.requiredString("kind")
        input.taxID = reader.string("tax_id")
        input.leitwegID = reader.string("leitweg_id")
        input.locale = reader.string("locale")
        input.invoiceDelivery = reader.requiredString("invoice_delivery")
        input.taxExempt = reader.bool("tax_exempt")
        input.currency = reader.string("currency")
        input.dunningPolicy = reader.string("dunning_policy")
        input.metadata = reader.stringMap("metadata")
        reader.object("address") { address in
            input.addressLine1 = address.string("line1")
            input.addressLine2 = address.string("line2")
            input.postalCode = address.string("postal_code")
            input.city = address.string("city")
            input.country = address.string("country")
        }
        return input
    }
}

/// The `Idempotency-Key` header of a POST.
enum IdempotencyHeader {
    static let name = HTTPField.Name("Idempotency-Key")!

    static func request(_ request: Request, body: [UInt8]) throws -> IdempotencyRequest? {
        guard let key = request.headers[name] else { return nil }
        guard isValid(key) else {
            throw Problem.badRequest(
                "Idempotency-Key must be 1 to 255 printable ASCII characters, not starting or ending with a space.",
                field: "Idempotency-Key")
        }
        return IdempotencyRequest(key: key, method: request.method.rawValue, path: request.uri.path, body: body)
    }

    /// The rule `/openapi.json` states: 1 to 255 printable ASCII characters, the first and last
    /// visible (a key is an opaque token such as a UUID, never text a proxy could re-encode).
    static func isValid(_ key: String) -> Bool {
        let scalars = Array(key.unicodeScalars)
        guard (1...255).contains(scalars.count), scalars.allSatisfy({ (0x20...0x7E).contains($0.value) }) else {
            return false
        }
        return scalars.first != " " && scalars.last != " "
    }
}
