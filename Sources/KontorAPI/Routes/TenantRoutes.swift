import Hummingbird
import KontorCore
import KontorEngine

/// `/v1/tenant`: the authenticated tenant's own settings.
struct TenantRoutes {
    let service: TenantService

    func register(on group: RouterGroup<KontorRequestContext>) {
        group.get("tenant", use: get)
        group.patch("tenant", use: update)
    }

    @Sendable func get(_ request: Request, context: KontorRequestContext) async throws -> Response {
        try .json(TenantJSON(try await service.get(try context.requireTenant())))
    }

    @Sendable func update(_ request: Request, context: KontorRequestContext) async throws -> Response {
        let tenant = try context.requireTenant()
        var request = request
        var (reader, _) = try await RequestBody.object(&request, context: context)
        var input = TenantSettingsInput()
        input.returnFee = reader.integer("return_fee")
        input.writeOffApprovalAbove = reader.integer("write_off_approval_above")
        input.sepaCollection = reader.requiredString("sepa_collection")
        input.sepaPreNotificationDays = reader.integer("sepa_prenotification_days")
        input.sepaPreNotificationAgreed = reader.bool("sepa_prenotification_agreed")
        input.feeItemNumberFormat = reader.requiredString("fee_item_number_format")
        input.legalName = reader.requiredString("legal_name")
        input.address = reader.requiredString("address")
        input.vatID = reader.requiredString("vat_id")
        input.documents = SellerDocumentDetails(
            taxNumber: reader.requiredString("tax_number"), contactName: reader.requiredString("contact_name"),
            contactPhone: reader.requiredString("contact_phone"), contactEmail: reader.requiredString("contact_email"),
            electronicAddress: reader.requiredString("electronic_address"),
            bankIBAN: reader.requiredString("bank_iban"), bankBIC: reader.requiredString("bank_bic"),
            sepaCreditorID: reader.requiredString("sepa_creditor_id"),
            documentFooter: reader.requiredString("document_footer"),
            mailFromName: reader.requiredString("mail_from_name"),
            mailFromAddress: reader.requiredString("mail_from_address"))
        input.logoBase64 = reader.requiredString("logo")
        try reader.finish()
        return try .json(TenantJSON(try await service.update(tenant, input)))
    }
}
