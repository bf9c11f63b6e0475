import Foundation
import HTTPTypes
import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/payments`, write-off, hand-over, disputes, payment plans, bank statements.
struct ReceivablesRoutes {
    let service: ReceivablesService
    let disputes: DisputeService
    let plans: PaymentPlanService
    let bank: BankStatementService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.post("payments", use: record)
        group.get("payments", use: list)
        group.get("payments/{id}", use: get)
        group.post("payments/{id}/return", use: returnPayment)
        group.post("invoices/{id}/write_off", use: writeOff)
        group.post("invoices/{id}/hand_over", use: handOver)
        group.post("invoices/{id}/disputes", use: openDispute)
        group.post("disputes/{id}/resolve", use: resolveDispute)
        group.post("customers/{id}/payment_plans", use: createPlan)
        group.get("customers/{id}/payment_plans", use: listPlans)
        group.post("bank_statements", use: importStatement)
        group.get("bank_transactions", use: listTransactions)
        group.post("bank_transactions/{id}/allocate", use: allocate)
    }

    static let payment = Answer<ReceivedPayment>(status: .created) { try KontorJSON.encode(ReceivedPaymentJSON($0)) }
    static let returned = Answer<ReceivedPayment>(status: .ok) { try KontorJSON.encode(ReceivedPaymentJSON($0)) }
    static let invoice = Answer<Invoice>(status: .ok) { InvoiceJSON($0).encoded() }
    static let openedDispute = Answer<Dispute>(status: .created) { try KontorJSON.encode(DisputeJSON($0)) }
    static let resolvedDispute = Answer<Dispute>(status: .ok) { try KontorJSON.encode(DisputeJSON($0)) }
    static let plan = Answer<PaymentPlanJSON>(status: .created) { try KontorJSON.encode($0) }

    static func paymentInput(_ reader: inout ObjectReader, customer: Bool = true) -> PaymentInput {
        var input = PaymentInput()
        input.customer = reader.requiredString("customer")
        if customer {
            input.amount = reader.integer("amount")
            input.currency = reader.requiredString("currency")
            input.reference = reader.requiredString("reference")
        }
        var shares: [(invoice: String?, amount: Int64?)] = []
        if reader.objects("allocations", { s in shares.append((s.requiredString("invoice"), s.integer("amount"))) })
            != nil
        {
            input.allocations = shares
        }
        return input
    }

    @Sendable func record(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.object(&request, context: context)
        let input = Self.paymentInput(&reader)
        try reader.finish()
        return try Self.payment.response(
            try await service.record(
                input, tenant: tenant, idempotency: try Self.payment.idempotency(request, body: bytes)))
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(
            ReceivedPaymentJSON(
                try await service.get(try context.parameters.require("id"), tenant: try context.requireTenant())))
    }

    @Sendable func list(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let query = try ListQuery(request, filters: ["customer"])
        let page = try await service.list(
            tenant: try context.requireTenant(), customerID: query.filters["customer"], limit: query.limit,
            startingAfter: query.startingAfter)
        return try .json(ListPage(data: page.payments.map(ReceivedPaymentJSON.init), hasMore: page.hasMore))
    }

    @Sendable func returnPayment(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.optionalObject(&request, context: context)
        let reason = reader.requiredString("reason_code")
        let fee = reader.integer("fee")
        try reader.finish()
        return try Self.returned.response(
            try await service.returnPayment(
                try context.parameters.require("id"), reasonCode: reason, fee: fee, tenant: tenant,
                idempotency: try Self.returned.idempotency(request, body: bytes)))
    }

    @Sendable func writeOff(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.optionalObject(&request, context: context)
        _ = reader.requiredString("reason")
        try reader.finish()
        return try Self.invoice.response(
            try await service.writeOff(
                try context.parameters.require("id"), tenant: tenant,
                idempotency: try Self.invoice.idempotency(request, body: bytes)))
    }

    @Sendable func handOver(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.optionalObject(&request, context: context)
        try reader.finish()
        return try Self.invoice.response(
            try await service.handOver(
                try context.parameters.require("id"), tenant: tenant,
                idempotency: try Self.invoice.idempotency(request, body: bytes)))
    }

    @Sendable func openDispute(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.object(&request, context: context)
        let reason = reader.requiredString("reason")
        try reader.finish()
        return try Self.openedDispute.response(
            try await disputes.open(
                invoiceID: try context.parameters.require("id"), reason: reason, tenant: tenant,
                idempotency: try Self.openedDispute.idempotency(request, body: bytes)))
    }

    @Sendable func resolveDispute(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.optionalObject(&request, context: context)
        let resolution = reader.requiredString("resolution")
        try reader.finish()
        return try Self.resolvedDispute.response(
            try await disputes.resolve(
                try context.parameters.require("id"), resolution: resolution, tenant: tenant,
                idempotency: try Self.resolvedDispute.idempotency(request, body: bytes)))
    }

    @Sendable func createPlan(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, bytes) = try await RequestBody.object(&request, context: context)
        let invoices = reader.strings("invoices")
        var instalments: [(dueDate: String?, amount: Int64?)] = []
        _ = reader.objects("instalments") { i in instalments.append((i.requiredString("due_date"), i.integer("amount")))
        }
        try reader.finish()
        return try Self.plan.response(
            try await plans.create(
                customerID: try context.parameters.require("id"), invoiceIDs: invoices, instalments: instalments,
                tenant: tenant, idempotency: try Self.plan.idempotency(request, body: bytes)))
    }

    @Sendable func listPlans(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let list = try await plans.list(
            customerID: try context.parameters.require("id"), tenant: try context.requireTenant())
        return try .json(ListPage(data: list, hasMore: false))
    }

    @Sendable func importStatement(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        let body = try await request.body.collect(upTo: 50 * 1024 * 1024)
        let statement = try await bank.importStatement(Data(body.readableBytesView), tenant: tenant)
        return try .json(statement, status: .created)
    }

    @Sendable func listTransactions(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let status = request.uri.queryParameters["status"].map(String.init)
        let list = try await bank.list(status: status, tenant: try context.requireTenant())
        return try .json(ListPage(data: list, hasMore: false))
    }

    @Sendable func allocate(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        let input = Self.paymentInput(&reader, customer: false)
        try reader.finish()
        return try .json(try await bank.allocate(try context.parameters.require("id"), input: input, tenant: tenant))
    }
}
