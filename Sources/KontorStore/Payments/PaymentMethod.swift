import Foundation
import KontorCore

/// A stored payment method. Cards hold only what PCI DSS allows outside the PSP.
public struct PaymentMethod: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case card
        case sepaDebit = "sepa_debit"
        case bankTransfer = "bank_transfer"
    }

    public struct Card: Sendable, Equatable {
        public var token: String
        public var brand: String
        public var last4: String
        public var expiry: CardExpiry

        public init(token: String, brand: String, last4: String, expiry: CardExpiry) {
            self.token = token
            self.brand = brand
            self.last4 = last4
            self.expiry = expiry
        }
    }

    /// A SEPA direct-debit mandate.
    public struct SEPADebit: Sendable, Equatable {
        public var iban: IBAN
        public var mandateReference: String
        public var mandateDate: LocalDate
        public var scheme: SEPAScheme
        public var mandateType: SEPAMandateKind
        /// The latest collection presented under the mandate (nil: none yet, the next is `FRST`).
        public var lastCollectionOn: LocalDate?
        /// The IBAN and reference collected under before an amendment, until the next collection
        /// carries them as amendment information (nil: unchanged since).
        public var amendedFromIBAN: String?
        public var amendedFromReference: String?

        public init(
            iban: IBAN, mandateReference: String, mandateDate: LocalDate, scheme: SEPAScheme = .core,
            mandateType: SEPAMandateKind = .recurring, lastCollectionOn: LocalDate? = nil,
            amendedFromIBAN: String? = nil, amendedFromReference: String? = nil
        ) {
            self.iban = iban
            self.mandateReference = mandateReference
            self.mandateDate = mandateDate
            self.scheme = scheme
            self.mandateType = mandateType
            self.lastCollectionOn = lastCollectionOn
            self.amendedFromIBAN = amendedFromIBAN
            self.amendedFromReference = amendedFromReference
        }

        /// What the mandate rules need to know.
        public var state: SEPAMandateState {
            SEPAMandateState(kind: mandateType, signedOn: mandateDate, lastCollectionOn: lastCollectionOn)
        }

        /// The amendment information the next collection carries, if any.
        public var amendment: SEPADirectDebit.Amendment? {
            guard amendedFromIBAN != nil || amendedFromReference != nil else { return nil }
            let otherBank = amendedFromIBAN.map { !SEPAMandateRules.sameBank($0, iban.value) } ?? false
            return SEPADirectDebit.Amendment(
                originalMandateReference: amendedFromReference, originalIBAN: otherBank ? nil : amendedFromIBAN,
                otherBank: otherBank)
        }
    }

    public var id: String
    public var customerID: String
    public var kind: Kind
    public var card: Card?
    public var sepaDebit: SEPADebit?
    public var status: PaymentMethodStatus
    public var livemode: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, customerID: String, kind: Kind, card: Card?, sepaDebit: SEPADebit?,
        status: PaymentMethodStatus = .active,
        livemode: Bool, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.customerID = customerID
        self.kind = kind
        self.card = card
        self.sepaDebit = sepaDebit
        self.status = status
        self.livemode = livemode
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
