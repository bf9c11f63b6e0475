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
        public var scheme: String
        public var mandateType: String
        /// The sequence type the next collection under the mandate will carry.
        public var nextSequenceType: String
        public var lastCollectionOn: String?
        /// The first day the mandate may no longer be used (36 months without a collection).
        public var lapsesOn: String?
        /// What the next collection announces as changed (amendment information), if anything.
        public var amendment: Amendment?
    }

    public struct Amendment: Codable, Sendable, Equatable {
        public var originalMandateReference: String?
        /// Country and last four of the IBAN collected from before, at the same bank.
        public var originalIbanLast4: String?
        /// The new IBAN is at another bank (`SMNDA`).
        public var otherBank: Bool
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
        sepaDebit = pm.sepaDebit.map { sepa in
            SEPADebit(
                country: sepa.iban.countryCode, ibanLast4: sepa.iban.last4, mandateReference: sepa.mandateReference,
                mandateDate: sepa.mandateDate.description, scheme: sepa.scheme.rawValue,
                mandateType: sepa.mandateType.rawValue,
                nextSequenceType: SEPAMandateRules.sequenceType(sepa.state).rawValue,
                lastCollectionOn: sepa.lastCollectionOn?.description,
                lapsesOn: sepa.mandateType == .recurring ? SEPAMandateRules.lapsesOn(sepa.state).description : nil,
                amendment: sepa.amendment.map {
                    Amendment(
                        originalMandateReference: $0.originalMandateReference,
                        originalIbanLast4: $0.originalIBAN.map { String($0.suffix(4)) }, otherBank: $0.otherBank)
                })
        }
        status = pm.status.rawValue
        self.isDefault = isDefault
        livemode = pm.livemode
        createdAt = pm.createdAt
    }
}
