import Foundation
import KontorCore
import KontorStore

/// The payment method object. A SEPA mandate's IBAN is shown only by country and last four.
public struct PaymentMethodJSON: Codable, Sendable, Equatable {
    public struct Card: Codable, Sendable, Equatable {
        public var token: String
        public var brand: String
        public var last4: String
        public var expMonth: Int
        public var expYear: Int
    }

    public struct SEPADebit: Codable, Sendable, Equatable {
        public var country: String
        public var ibanLast4: String
        public var mandateReference: String
        public var mandateDate: String
    }

    public var id: String
    public var object: String
    public var customer: String
    public var type: String
    public var card: Card?
    public var sepaDebit: SEPADebit?
    public var status: String
    public var isDefault: Bool
    public var livemode: Bool
    public var createdAt: Date

    public init(_ pm: PaymentMethod, isDefault: Bool) {
        id = pm.id
        object = "payment_method"
        customer = pm.customerID
        type = pm.kind.rawValue
        card = pm.card.map {
            Card(token: $0.token, brand: $0.brand, last4: $0.last4, expMonth: $0.expiry.month, expYear: $0.expiry.year)
        }
        sepaDebit = pm.sepaDebit.map {
            SEPADebit(
                country: $0.iban.countryCode, ibanLast4: $0.iban.last4, mandateReference: $0.mandateReference,
                mandateDate: $0.mandateDate.description
            )
        }
        status = pm.status.rawValue
        self.isDefault = isDefault
        livemode = pm.livemode
        createdAt = pm.createdAt
    }
}
