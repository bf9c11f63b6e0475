/// The rules a customer record must satisfy, applied to new customers and to patches alike.
public enum CustomerRules {
    /// Longest free-text field we accept (names, address lines, external ids).
    public static let maxTextLength = 500
    /// Stripe's limits for metadata: 50 keys, keys ≤ 40 characters, values ≤ 500.
    public static let maxMetadataKeys = 50

    /// Validates a new customer. Every wrong field is reported, not just the first.
    public static func create(_ input: CustomerInput) throws(ValidationError) -> CustomerFields {
        try apply(input, to: CustomerFields())
    }

    /// Applies a patch to existing fields and validates the result as a whole (a VAT ID whose
    /// country contradicts the address is caught whichever of the two the patch changed).
    public static func apply(_ input: CustomerInput, to current: CustomerFields) throws(ValidationError)
        -> CustomerFields
    {
        var fields = current
        var errors: [FieldError] = []

        func text(_ value: String??, _ field: String, required: Bool = false) -> String?? {
            guard let value else { return nil }
            guard let string = value else {
                if required { errors.append(FieldError(field: field, message: "must not be null")) }
                return .some(nil)
            }
            let trimmed = string.trimmingWhitespace()
            if trimmed.isEmpty {
                errors.append(FieldError(field: field, message: "must not be empty"))
            } else if trimmed.count > maxTextLength {
                errors.append(FieldError(field: field, message: "must be at most \(maxTextLength) characters"))
            }
            return .some(trimmed)
        }

        if let name = text(input.name, "name") { fields.name = name }
        if let externalID = text(input.externalID, "external_id") { fields.externalID = externalID }
        if let line1 = text(input.addressLine1, "address.line1") { fields.addressLine1 = line1 }
        if let line2 = text(input.addressLine2, "address.line2") { fields.addressLine2 = line2 }
        if let postalCode = text(input.postalCode, "address.postal_code") { fields.postalCode = postalCode }
        if let city = text(input.city, "address.city") { fields.city = city }
        if let policy = text(input.dunningPolicy, "dunning_policy") { fields.dunningPolicy = policy }

        /// A nullable field parsed by `parse`: absent keeps, null clears, a bad value is named.
        func parsed<Value>(_ value: String??, _ field: String, _ message: String, _ parse: (String) -> Value?)
            -> Value??
        {
            guard let value else { return nil }
            guard let text = value else { return .some(nil) }
            guard let result = parse(text) else {
                errors.append(FieldError(field: field, message: message))
                return nil
            }
            return .some(result)
        }

        if let email = parsed(input.email, "email", "is not a valid e-mail address", EmailAddress.init) {
            fields.email = email
        }
        if let kind = input.kind {
            if let parsed = CustomerKind(rawValue: kind) {
                fields.kind = parsed
            } else {
                errors.append(FieldError(field: "kind", message: "must be one of business, consumer"))
            }
        }
        if let country = parsed(input.country, "address.country", "is not an ISO 3166-1 alpha-2 code", CountryCode.init)
        {
            fields.country = country
        }
        if let currency = parsed(input.currency, "currency", "is not an ISO 4217 currency code", { Currency(code: $0) })
        {
            fields.currency = currency
        }
        if let taxID = input.taxID {
            if let taxID {
                do {
                    fields.taxID = try VATID(taxID)
                } catch {
                    errors.append(FieldError(field: "tax_id", message: error.message))
                }
            } else {
                fields.taxID = nil
            }
        }
        if let exempt = input.taxExempt { fields.taxExempt = exempt }
        if let leitweg = input.leitwegID {
            if let leitweg {
                if let id = LeitwegID(leitweg) {
                    fields.leitwegID = id
                } else {
                    errors.append(
                        FieldError(
                            field: "leitweg_id",
                            message: "is not a Leitweg-ID (digits-[letters and digits-]two check digits, mod 97)"))
                }
            } else {
                fields.leitwegID = nil
            }
        }
        if let delivery = input.invoiceDelivery {
            if let d = InvoiceDelivery(rawValue: delivery) {
                fields.invoiceDelivery = d
            } else {
                errors.append(FieldError(field: "invoice_delivery", message: "must be pdf or xrechnung"))
            }
        }
        if let locale = input.locale {
            if let locale {
                if let tag = LanguageTag(locale) {
                    fields.locale = tag
                } else {
                    errors.append(
                        FieldError(field: "locale", message: "is not a language tag like de, de-DE or en-GB"))
                }
            } else {
                fields.locale = nil
            }
        }
        if let metadata = input.metadata {
            if metadata.count > maxMetadataKeys {
                errors.append(FieldError(field: "metadata", message: "must have at most \(maxMetadataKeys) keys"))
            }
            for (key, value) in metadata.sorted(by: { $0.key < $1.key }) {
                if key.isEmpty || key.count > 40 {
                    errors.append(FieldError(field: "metadata", message: "keys must be 1 to 40 characters"))
                    break
                }
                if value.count > 500 {
                    errors.append(FieldError(field: "metadata.\(key)", message: "must be at most 500 characters"))
                }
            }
            fields.metadata = metadata
        }

        // Cross-field rule: a VAT ID names its country; an address in another country is a
        // typo that would later decide reverse charge wrongly.
        if errors.isEmpty, let vat = fields.taxID, let country = fields.country, vat.country != country.code {
            errors.append(
                FieldError(
                    field: "tax_id",
                    message: "is a \(vat.prefix) VAT ID but address.country is \(country.code)"
                )
            )
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return fields
    }
}
