import Foundation
import KontorCore
import KontorStore

/// The customer object as the API shows it and as `customer.*` events carry it.
public struct CustomerJSON: Codable, Sendable, Equatable {
    public struct Address: Codable, Sendable, Equatable {
        public var line1: String?
        public var line2: String?
        public var postalCode: String?
        public var city: String?
        public var country: String?
    }

    public var id: String
    public var object: String
    public var name: String?
    public var email: String?
    public var externalId: String?
    public var kind: String
    public var address: Address
    public var taxId: String?
    public var leitwegId: String?
    /// The language of the customer's documents.
    public var locale: String?
    /// `pdf` or `xrechnung` (invoices e-mailed as the XRechnung file only).
    public var invoiceDelivery: String
    public var taxExempt: Bool
    public var currency: String?
    public var dunningPolicy: String?
    public var metadata: [String: String]
    public var balance: Int64
    public var livemode: Bool
    public var createdAt: Date

    public init(_ customer: Customer) {
        let f = customer.fields
        id = customer.id
        object = "customer"
        name = f.name
        email = f.email?.value
        externalId = f.externalID
        kind = f.kind.rawValue
        address = Address(
            line1: f.addressLine1, line2: f.addressLine2, postalCode: f.postalCode, city: f.city,
            country: f.country?.code
        )
        taxId = f.taxID?.description
        leitwegId = f.leitwegID?.value
        locale = f.locale?.value
        invoiceDelivery = f.invoiceDelivery.rawValue
        taxExempt = f.taxExempt
        currency = f.currency?.code
        dunningPolicy = f.dunningPolicy
        metadata = f.metadata
        balance = customer.balance
        livemode = customer.livemode
        createdAt = customer.createdAt
    }
}

/// JSON coding shared by responses and event payloads: snake_case keys, RFC 3339 instants,
/// sorted keys (stable bytes for idempotent replays and signatures).
public enum KontorJSON {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }

    public static func encode(_ value: some Encodable) throws -> Data {
        try encoder().encode(value)
    }
}
