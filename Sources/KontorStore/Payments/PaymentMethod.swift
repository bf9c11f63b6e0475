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

    public struct SEPADebit: Sendable, Equatable {
        public var iban: IBAN
        public var mandateReference: String
        public var mandateDate: LocalDate

        public init(iban: IBAN, mandateReference: String, mandateDate: LocalDate) {
            self.iban = iban
            self.mandateReference = mandateReference
            self.mandateDate = mandateDate
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
