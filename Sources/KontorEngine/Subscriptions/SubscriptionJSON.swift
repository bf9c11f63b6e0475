import Foundation
import KontorCore
import KontorStore

/// The subscription object of API.md; `subscription.*` events carry it.
public struct SubscriptionJSON: Codable, Sendable, Equatable {
    public struct PendingChange: Codable, Sendable, Equatable {
        public var plan: String
        public var planVersion: Int
        public var quantity: Int64
    }

    public var id: String
    public var object: String
    public var customer: String
    public var plan: String
    public var planVersion: Int
    public var quantity: Int64
    public var currency: String
    public var status: String
    public var startDate: String
    public var trialEnd: String?
    public var billingAnchor: String
    public var collectionMethod: String
    public var paymentTermsDays: Int
    public var currentPeriodStart: String?
    public var currentPeriodEnd: String?
    public var nextBillingDate: String?
    public var cancelAtPeriodEnd: Bool
    public var canceledAt: Date?
    public var endedOn: String?
    public var pausedAt: Date?
    public var pendingChange: PendingChange?
    public var metadata: [String: String]
    public var livemode: Bool
    public var createdAt: Date

    public init(_ s: Subscription) {
        id = s.id
        object = "subscription"
        customer = s.customerID
        plan = s.planCode
        planVersion = s.planVersion
        quantity = s.quantity
        currency = s.currency
        status = s.status.rawValue
        startDate = s.startDate.description
        trialEnd = s.trialEnd?.description
        billingAnchor = s.billingAnchor.description
        collectionMethod = s.collectionMethod.rawValue
        paymentTermsDays = s.paymentTermsDays
        currentPeriodStart = s.currentPeriodStart?.description
        currentPeriodEnd = s.currentPeriodEnd?.description
        nextBillingDate = s.nextBillingDate?.description
        cancelAtPeriodEnd = s.cancelAtPeriodEnd
        canceledAt = s.canceledAt
        endedOn = s.endedOn?.description
        pausedAt = s.pausedAt
        if let code = s.pendingPlanCode, let version = s.pendingPlanVersion {
            pendingChange = PendingChange(plan: code, planVersion: version, quantity: s.pendingQuantity ?? s.quantity)
        }
        metadata = s.metadata
        livemode = s.livemode
        createdAt = s.createdAt
    }
}
