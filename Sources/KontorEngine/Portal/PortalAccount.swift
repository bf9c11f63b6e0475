import Foundation
import KontorCore

/// Who a portal link opened: one customer of one tenant. Made only from an active token.
public struct PortalVisitor: Sendable {
    public let tenant: Tenant
    public let customerID: String
    /// The link's token: the key of the page's CSRF field (never shown to anyone else).
    public let token: String
}

/// What the debtor sees on the account page.
public struct PortalAccount: Sendable {
    public struct Item: Sendable, Equatable {
        public enum Standing: String, Sendable {
            /// Not yet due.
            case open
            case overdue
            /// Disputed: dunning waits until the dispute is resolved.
            case disputed
            /// In an accepted instalment plan that is kept.
            case inPlan = "in_plan"
        }

        public let id: String
        public let number: String
        public let issueDate: LocalDate
        public let dueDate: LocalDate
        public let total: Int64
        public let open: Int64
        public let currency: String
        /// An invoice (downloadable), not a fee item.
        public let isInvoice: Bool
        public let standing: Standing
        public let daysOverdue: Int
        public let dispute: String?
    }

    public let sellerName: String
    public let customerName: String
    public let language: String
    public let today: LocalDate
    public let items: [Item]
    /// Open total per currency, in the order items first name them.
    public let balances: [(currency: String, open: Int64, overdue: Int64)]
    /// Money received beyond what was owed (applied to the next invoice).
    public let credit: Int64
    public let creditCurrency: String
    /// The dunning stage of the account: its level and the level's name, 0 / nil when none.
    public let dunningLevel: Int
    public let dunningLevelName: String?
    public let proposals: [InstalmentProposal]
    /// The sandbox takes test card tokens; a live tenant without a card form takes SEPA only.
    public let acceptsCards: Bool
    public let supportEmail: String?
}
