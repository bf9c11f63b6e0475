import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/payment_methods` and `/v1/customers/{id}/default_payment_method`.
struct PaymentMethodRoutes {
    let service: PaymentMethodService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.post("payment_methods", use: create)
        group.get("payment_methods", use: list)
        group.get("payment_methods/{id}", use: get)
        group.patch("payment_methods/{id}", use: update)
        group.post("customers/{id}/default_payment_method", use: setDefault)
    }

    @Sendable func create(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.object(&request, context: context)
        var input = PaymentMethodInput()
        input.customer = reader.requiredString("customer")
        input.type = reader.requiredString("type")
        reader.object("card") { card in
            input.cardToken = card.requiredString("token")
            input.cardBrand = card.requiredString("brand")
            input.cardLast4 = card.requiredString("last4")
            input.cardExpMonth = card.integer("exp_month")
            input.cardExpYear = card.integer("exp_year")
        }
        reader.object("sepa_debit") { sepa in
            input.iban = sepa.requiredString("iban")
            input.mandateReference = sepa.requiredString("mandate_reference")
            input.mandateDate = sepa.requiredString("mandate_date")
            input.scheme = sepa.requiredString("scheme")
            input.mandateType = sepa.requiredString("mandate_type")
        }
        try reader.finish()
        let answer = Answer<PaymentMethodJSON>(status: .created) { try KontorJSON.encode($0) }
        return try answer.response(
            try await service.create(input, tenant: tenant, idempotency: try answer.idempotency(request, body: bytes)))
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(try await service.get(try context.parameters.require("id"), tenant: try context.requireTenant()))
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["customer"])
        let (items, hasMore) = try await service.list(
            tenant: try context.requireTenant(), customerID: query.filters["customer"], limit: query.limit,
            startingAfter: query.startingAfter
        )
        return try .json(ListPage(data: items, hasMore: hasMore))
    }

    @Sendable func update(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let id = try context.parameters.require("id")
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        var month: Int64?
        var year: Int64?
        var card = false
        var iban: String?
        var reference: String?
        var sepa = false
        reader.object("card") { object in
            card = true
            month = object.integer("exp_month")
            year = object.integer("exp_year")
        }
        reader.object("sepa_debit") { object in
            sepa = true
            iban = object.requiredString("iban")
            reference = object.requiredString("mandate_reference")
        }
        try reader.finish()
        if sepa, card {
            throw ValidationError(field: "sepa_debit", message: "cannot be changed together with card")
        }
        if sepa {
            return try .json(try await service.amendMandate(id, iban: iban, reference: reference, tenant: tenant))
        }
        return try .json(try await service.updateCard(id, expMonth: month, expYear: year, tenant: tenant))
    }

    @Sendable func setDefault(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let customer = try context.parameters.require("id")
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let pm = reader.requiredString("payment_method")
        try reader.finish()
        return try .json(try await service.setDefault(customerID: customer, paymentMethodID: pm, tenant: tenant))
    }
}
