import Foundation
import KontorCore
import KontorStore
import PostgresNIO

/// A payment method as the client sends it.
public struct PaymentMethodInput: Sendable {
    public var customer: String?
    public var type: String?
    public var cardToken: String?
    public var cardBrand: String?
    public var cardLast4: String?
    public var cardExpMonth: Int64?
    public var cardExpYear: Int64?
    public var iban: String?
    public var mandateReference: String?
    public var mandateDate: String?
    /// `CORE` (default) or `B2B` (business customers only).
    public var scheme: String?
    /// `recurring` (default) or `one_off`.
    public var mandateType: String?

    public init() {}
}

/// Payment methods: cards (PSP token only), SEPA direct debit mandates, bank transfer.
public struct PaymentMethodService: Sendable {
    let database: Database
    let operations: OperationRunner
    let methods: PaymentMethodRepository
    let customers: CustomerRepository

    public static let brands = [
        "visa", "mastercard", "amex", "discover", "jcb", "diners", "unionpay", "maestro", "unknown",
    ]

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.operations = operations
        self.methods = PaymentMethodRepository(logger: database.logger)
        self.customers = CustomerRepository(logger: database.logger)
    }

    /// Validates and stores a payment method; the customer's first one becomes their default.
    public func create(
        _ input: PaymentMethodInput, tenant: Tenant, idempotency: Idempotency<PaymentMethodJSON>?
    ) async throws -> OperationOutcome<PaymentMethodJSON> {
        try await operations.run(tenant, idempotency: idempotency) { op in
            let (conn, now) = (op.connection, op.now)
            let today = try await op.today()
            var errors: [FieldError] = []
            let customer = try await input.customer.asyncFlatMap { id in
                Identifier.looksValid(id, prefix: "cus") ? try await customers.find(id, tenant: tenant, on: conn) : nil
            }
            if customer == nil {
                errors.append(
                    FieldError(
                        field: "customer",
                        message: input.customer == nil ? "is required" : "is not a customer of this account"
                    )
                )
            }
            let kind = input.type.flatMap(PaymentMethod.Kind.init(rawValue:))
            if kind == nil {
                errors.append(FieldError(field: "type", message: "must be card, sepa_debit or bank_transfer"))
            }
            var card: PaymentMethod.Card?
            var sepa: PaymentMethod.SEPADebit?
            switch kind {
            case .card?:
                card = Self.card(input, today: today, errors: &errors)
            case .sepaDebit?:
                sepa = Self.sepa(input, today: today, errors: &errors)
                if sepa?.scheme == .b2b, let customer, customer.fields.kind != .business {
                    errors.append(
                        FieldError(field: "sepa_debit.scheme", message: "B2B mandates are for business customers only"))
                }
            case .bankTransfer?, nil:
                break
            }
            if kind != .card, input.cardToken != nil || input.cardExpYear != nil {
                errors.append(FieldError(field: "card", message: "is only for type card"))
            }
            if kind != .sepaDebit, input.iban != nil {
                errors.append(FieldError(field: "sepa_debit", message: "is only for type sepa_debit"))
            }
            guard errors.isEmpty, let customer, let kind else { throw ValidationError(errors) }
            let pm = PaymentMethod(
                id: Identifier.make("pm"), customerID: customer.id, kind: kind, card: card, sepaDebit: sepa,
                livemode: tenant.livemode, createdAt: now, updatedAt: now
            )
            try await methods.insert(pm, tenantID: tenant.id, on: conn)
            var isDefault = false
            if try await methods.defaultID(customerID: customer.id, tenantID: tenant.id, on: conn) == nil {
                try await methods.setDefault(pm.id, customerID: customer.id, tenantID: tenant.id, on: conn)
                isDefault = true
            }
            return PaymentMethodJSON(pm, isDefault: isDefault)
        }
    }

    static func card(_ input: PaymentMethodInput, today: LocalDate, errors: inout [FieldError]) -> PaymentMethod.Card? {
        let token = input.cardToken?.trimmingWhitespace() ?? ""
        if token.isEmpty || token.count > 255 {
            errors.append(FieldError(field: "card.token", message: "is required: the token from your payment provider"))
        }
        let brand = input.cardBrand ?? "unknown"
        if !brands.contains(brand) {
            errors.append(FieldError(field: "card.brand", message: "must be one of \(brands.joined(separator: ", "))"))
        }
        let last4 = input.cardLast4 ?? ""
        if last4.count != 4 || !last4.allSatisfy({ $0.isASCII && $0.isNumber }) {
            errors.append(FieldError(field: "card.last4", message: "must be the last four digits"))
        }
        guard let month = input.cardExpMonth, let year = input.cardExpYear else {
            errors.append(FieldError(field: "card.exp_month", message: "and card.exp_year are required"))
            return nil
        }
        let expiry: CardExpiry
        do {
            expiry = try CardExpiry(month: Int(clamping: month), year: Int(clamping: year))
        } catch {
            errors += error.errors.map { FieldError(field: "card.\($0.field)", message: $0.message) }
            return nil
        }
        if expiry.isExpired(on: today) {
            errors.append(
                FieldError(field: "card.exp_year", message: "the card expired at the end of \(month)/\(year)"))
        }
        return PaymentMethod.Card(token: token, brand: brand, last4: last4, expiry: expiry)
    }

    static func sepa(_ input: PaymentMethodInput, today: LocalDate, errors: inout [FieldError])
        -> PaymentMethod.SEPADebit?
    {
        var iban: IBAN?
        do {
            iban = try IBAN(input.iban ?? "")
        } catch {
            errors += error.errors.map { FieldError(field: "sepa_debit.iban", message: $0.message) }
        }
        let reference = input.mandateReference?.trimmingWhitespace() ?? ""
        checkReference(reference, field: "sepa_debit.mandate_reference", errors: &errors)
        let scheme = SEPAScheme(rawValue: input.scheme ?? "CORE")
        if scheme == nil { errors.append(FieldError(field: "sepa_debit.scheme", message: "must be CORE or B2B")) }
        let mandateType = SEPAMandateKind(rawValue: input.mandateType ?? "recurring")
        if mandateType == nil {
            errors.append(FieldError(field: "sepa_debit.mandate_type", message: "must be recurring or one_off"))
        }
        let date = input.mandateDate.flatMap(LocalDate.init) ?? (input.mandateDate == nil ? today : nil)
        if date == nil || date! > today {
            errors.append(
                FieldError(field: "sepa_debit.mandate_date", message: "must be a date YYYY-MM-DD, not in the future"))
        }
        guard let iban, let date, let scheme, let mandateType, SEPAText.isIdentifier(reference) else { return nil }
        return PaymentMethod.SEPADebit(
            iban: iban, mandateReference: reference, mandateDate: date, scheme: scheme, mandateType: mandateType)
    }

    /// A mandate reference (AT-01) travels in every collection: 1–35 characters of the SEPA
    /// Latin set without spaces, not starting or ending with `/` and without `//`.
    static func checkReference(_ reference: String, field: String, errors: inout [FieldError]) {
        if !SEPAText.isIdentifier(reference) {
            errors.append(
                FieldError(
                    field: field,
                    message: "must be 1 to 35 characters of A-Z a-z 0-9 / - ? : ( ) . , ' + without spaces, "
                        + "not starting or ending with / and without //"))
        }
    }

    /// A mandate's new IBAN or reference (the debtor moved their account, or the merchant
    /// renumbered mandates). Once a collection was presented under the mandate, the next one
    /// carries what it was before as amendment information (AT-24; `SMNDA` for another bank);
    /// several amendments before that collection keep the first original.
    public func amendMandate(_ id: String, iban ibanText: String?, reference: String?, tenant: Tenant) async throws
        -> PaymentMethodJSON
    {
        try await operations.run(tenant) { op in
            let (conn, now) = (op.connection, op.now)
            var pm = try await lockedMethod(id, tenant: tenant, on: conn)
            guard var sepa = pm.sepaDebit else {
                throw ValidationError(field: "sepa_debit", message: "only SEPA direct-debit mandates can be amended")
            }
            var errors: [FieldError] = []
            var iban = sepa.iban
            if let ibanText {
                do throws(ValidationError) {
                    iban = try IBAN(ibanText)
                } catch {
                    errors += error.errors.map { FieldError(field: "sepa_debit.iban", message: $0.message) }
                }
            }
            let newReference = reference?.trimmingWhitespace() ?? sepa.mandateReference
            if reference != nil {
                Self.checkReference(newReference, field: "sepa_debit.mandate_reference", errors: &errors)
            }
            if ibanText == nil, reference == nil {
                errors.append(FieldError(field: "sepa_debit", message: "names a new iban or mandate_reference"))
            }
            guard errors.isEmpty else { throw ValidationError(errors) }
            guard pm.status == .active else {
                throw EngineError.conflict("the payment method is detached; a detached mandate is not amended")
            }
            if sepa.lastCollectionOn != nil {
                if iban != sepa.iban, sepa.amendedFromIBAN == nil { sepa.amendedFromIBAN = sepa.iban.value }
                if newReference != sepa.mandateReference, sepa.amendedFromReference == nil {
                    sepa.amendedFromReference = sepa.mandateReference
                }
            }
            // Amended back to what was last collected: nothing to announce.
            if sepa.amendedFromIBAN == iban.value { sepa.amendedFromIBAN = nil }
            if sepa.amendedFromReference == newReference { sepa.amendedFromReference = nil }
            sepa.iban = iban
            sepa.mandateReference = newReference
            try await methods.amendMandate(id, to: sepa, tenantID: tenant.id, now: now, on: conn)
            pm.sepaDebit = sepa
            pm.updatedAt = now
            let isDefault =
                try await methods.defaultID(customerID: pm.customerID, tenantID: tenant.id, on: conn) == pm.id
            return PaymentMethodJSON(pm, isDefault: isDefault)
        }
    }

    public func get(_ id: String, tenant: Tenant) async throws -> PaymentMethodJSON {
        try await database.withConnection { conn in
            guard Identifier.looksValid(id, prefix: "pm"),
                let pm = try await methods.find(id, tenantID: tenant.id, on: conn)
            else { throw EngineError.notFound(resource: "payment_method", id: id) }
            let isDefault =
                try await methods.defaultID(customerID: pm.customerID, tenantID: tenant.id, on: conn) == pm.id
            return PaymentMethodJSON(pm, isDefault: isDefault)
        }
    }

    public func list(tenant: Tenant, customerID: String?, limit: Int, startingAfter: String?) async throws -> (
        [PaymentMethodJSON], hasMore: Bool
    ) {
        if let startingAfter, !Identifier.looksValid(startingAfter, prefix: "pm") {
            throw ValidationError(field: "starting_after", message: "is not a payment method id")
        }
        return try await database.withConnection { conn in
            let (found, hasMore) = try await methods.list(
                tenantID: tenant.id, customerID: customerID, limit: limit, startingAfter: startingAfter, on: conn
            )
            let defaults = try await methods.defaultIDs(
                customerIDs: Array(Set(found.map(\.customerID))), tenantID: tenant.id, on: conn
            )
            return (found.map { PaymentMethodJSON($0, isDefault: defaults[$0.customerID] == $0.id) }, hasMore)
        }
    }

    /// Makes `paymentMethodID` the customer's default (the one collection charges).
    public func setDefault(customerID: String, paymentMethodID: String?, tenant: Tenant) async throws
        -> PaymentMethodJSON
    {
        guard Identifier.looksValid(customerID, prefix: "cus") else {
            throw EngineError.notFound(resource: "customer", id: customerID)
        }
        guard let paymentMethodID else { throw ValidationError(field: "payment_method", message: "is required") }
        return try await operations.run(tenant) { op in
            let conn = op.connection
            guard try await customers.find(customerID, tenant: tenant, forUpdate: true, on: conn) != nil else {
                throw EngineError.notFound(resource: "customer", id: customerID)
            }
            guard Identifier.looksValid(paymentMethodID, prefix: "pm"),
                let pm = try await methods.find(paymentMethodID, tenantID: tenant.id, on: conn),
                pm.customerID == customerID, pm.status == .active
            else {
                throw ValidationError(
                    field: "payment_method", message: "is not an active payment method of this customer")
            }
            try await methods.setDefault(pm.id, customerID: customerID, tenantID: tenant.id, on: conn)
            return PaymentMethodJSON(pm, isDefault: true)
        }
    }

    /// A card's new expiry (the customer renewed it, or a card updater reported it).
    public func updateCard(_ id: String, expMonth: Int64?, expYear: Int64?, tenant: Tenant) async throws
        -> PaymentMethodJSON
    {
        try await operations.run(tenant) { op in
            let (conn, now) = (op.connection, op.now)
            var pm = try await lockedMethod(id, tenant: tenant, on: conn)
            guard var card = pm.card else { throw ValidationError(field: "card", message: "only cards have an expiry") }
            guard let expMonth, let expYear else {
                throw ValidationError(field: "card.exp_month", message: "and card.exp_year are required")
            }
            let expiry: CardExpiry
            do {
                expiry = try CardExpiry(month: Int(clamping: expMonth), year: Int(clamping: expYear))
            } catch let error as ValidationError {
                throw ValidationError(error.errors.map { FieldError(field: "card.\($0.field)", message: $0.message) })
            }
            if expiry.isExpired(on: try await op.today()) {
                throw ValidationError(
                    field: "card.exp_year", message: "the card expired at the end of \(expMonth)/\(expYear)")
            }
            try await methods.updateExpiry(id, expiry: expiry, tenantID: tenant.id, now: now, on: conn)
            card.expiry = expiry
            pm.card = card
            pm.updatedAt = now
            let isDefault =
                try await methods.defaultID(customerID: pm.customerID, tenantID: tenant.id, on: conn) == pm.id
            return PaymentMethodJSON(pm, isDefault: isDefault)
        }
    }

    /// The payment method `id` of this tenant, locked for the rest of the transaction (404 otherwise).
    func lockedMethod(_ id: String, tenant: Tenant, on conn: PostgresConnection) async throws -> PaymentMethod {
        guard Identifier.looksValid(id, prefix: "pm"),
            let pm = try await methods.find(id, tenantID: tenant.id, forUpdate: true, on: conn)
        else { throw EngineError.notFound(resource: "payment_method", id: id) }
        return pm
    }
}
