/// A new subscription as the client sent it, before validation. `nil` is "not given".
public struct SubscriptionInput: Sendable, Equatable {
    public var customer: String?
    public var plan: String?
    public var quantity: Int64?
    public var currency: String?
    public var startDate: String?
    public var trialDays: Int64?
    public var billingAnchor: String?
    public var collectionMethod: String?
    public var paymentTermsDays: Int64?
    public var metadata: [String: String]?

    public init() {}
}

/// Validated terms of a new subscription.
public struct SubscriptionTerms: Sendable, Equatable {
    public var quantity: Int64
    public var currency: Currency
    public var startDate: LocalDate
    public var trialEnd: LocalDate?
    public var billingAnchor: LocalDate
    public var collectionMethod: CollectionMethod
    public var paymentTermsDays: Int
    public var metadata: [String: String]
}

/// The rules a new subscription must satisfy, given its plan and the tenant's today.
public enum SubscriptionRules {
    /// How far back a start date may lie: one month, so a forgotten sign-up can be entered, but
    /// a year of back-billing cannot happen by a typo.
    public static let maxBackdatingDays = 31
    public static let maxFutureDays = 366

    public static func terms(
        _ input: SubscriptionInput, plan: Plan, today: LocalDate, customerCurrency: Currency?,
        defaultPaymentTermsDays: Int
    ) throws(ValidationError) -> SubscriptionTerms {
        var errors: [FieldError] = []
        let quantity = input.quantity ?? 1
        if quantity < 1 || quantity > 1_000_000_000 {
            errors.append(FieldError(field: "quantity", message: "must be a whole number from 1 to 10^9"))
        }
        var currency: Currency?
        if let code = input.currency {
            if let c = Currency(code: code) {
                if plan.supports(c) {
                    currency = c
                } else {
                    errors.append(
                        FieldError(
                            field: "currency",
                            message:
                                "plan \(plan.code) has no price in \(c.code) (it has \(plan.currencies.joined(separator: ", ")))"
                        )
                    )
                }
            } else {
                errors.append(FieldError(field: "currency", message: "must be an ISO 4217 currency code"))
            }
        } else if let customerCurrency, plan.supports(customerCurrency) {
            currency = customerCurrency
        } else if let customerCurrency {
            errors.append(
                FieldError(
                    field: "currency",
                    message: "customer pays in \(customerCurrency.code), which plan \(plan.code) has no price in"
                )
            )
        } else {
            currency = Currency(code: plan.currencies[0])
        }
        var start = today
        if let text = input.startDate {
            if let date = LocalDate(text) {
                if date < today.adding(days: -maxBackdatingDays) {
                    errors.append(
                        FieldError(
                            field: "start_date",
                            message: "must not be more than \(maxBackdatingDays) days in the past"
                        )
                    )
                } else if date > today.adding(days: maxFutureDays) {
                    errors.append(
                        FieldError(field: "start_date", message: "must be within \(maxFutureDays) days from today")
                    )
                }
                start = date
            } else {
                errors.append(FieldError(field: "start_date", message: "must be a date YYYY-MM-DD"))
            }
        }
        let trialDays = input.trialDays ?? Int64(plan.trialDays)
        if trialDays < 0 || trialDays > 730 {
            errors.append(FieldError(field: "trial_days", message: "must be from 0 to 730"))
        }
        let trialEnd = trialDays > 0 && trialDays <= 730 ? start.adding(days: Int(trialDays)) : nil
        let serviceStart = trialEnd ?? start
        var anchor = serviceStart
        if let text = input.billingAnchor {
            if let date = LocalDate(text) {
                let limit = BillingInterval(plan.interval, count: plan.intervalCount).boundary(
                    from: serviceStart, index: 1)
                if date < serviceStart || date >= limit {
                    errors.append(
                        FieldError(
                            field: "billing_anchor",
                            message: "must lie within the first period, from \(serviceStart) to before \(limit)"
                        )
                    )
                }
                anchor = date
            } else {
                errors.append(FieldError(field: "billing_anchor", message: "must be a date YYYY-MM-DD"))
            }
        }
        var method = CollectionMethod.chargeAutomatically
        if let text = input.collectionMethod {
            if let m = CollectionMethod(rawValue: text) {
                method = m
            } else {
                errors.append(
                    FieldError(field: "collection_method", message: "must be charge_automatically or send_invoice")
                )
            }
        }
        let terms = input.paymentTermsDays ?? Int64(defaultPaymentTermsDays)
        if terms < 0 || terms > 365 {
            errors.append(FieldError(field: "payment_terms_days", message: "must be from 0 to 365"))
        }
        let metadata = input.metadata ?? [:]
        if metadata.count > CustomerRules.maxMetadataKeys {
            errors.append(FieldError(field: "metadata", message: "must have at most 50 keys"))
        }
        guard errors.isEmpty, let currency else { throw ValidationError(errors) }
        return SubscriptionTerms(
            quantity: quantity, currency: currency, startDate: start, trialEnd: trialEnd, billingAnchor: anchor,
            collectionMethod: method, paymentTermsDays: Int(terms), metadata: metadata
        )
    }
}
