import Foundation

/// A stored subscription: what a customer receives, on which plan version, and how far
/// billing has got.
public struct Subscription: Sendable, Equatable {
    public var id: String
    public var customerID: String
    public var planCode: String
    public var planVersion: Int
    public var quantity: Int64
    public var currency: String
    public var status: SubscriptionStatus
    public var startDate: LocalDate
    public var trialEnd: LocalDate?
    public var billingAnchor: LocalDate
    public var collectionMethod: CollectionMethod
    public var paymentTermsDays: Int
    public var currentPeriodStart: LocalDate?
    public var currentPeriodEnd: LocalDate?
    public var currentPeriodTrial: Bool
    public var nextBillingDate: LocalDate?
    public var nextBillingAt: Date?
    public var cancelAtPeriodEnd: Bool
    public var canceledAt: Date?
    public var endedOn: LocalDate?
    public var pausedAt: Date?
    public var pendingPlanCode: String?
    public var pendingPlanVersion: Int?
    public var pendingQuantity: Int64?
    public var metadata: [String: String]
    public var livemode: Bool
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: String, customerID: String, planCode: String, planVersion: Int, quantity: Int64, currency: String,
        status: SubscriptionStatus, startDate: LocalDate, trialEnd: LocalDate?, billingAnchor: LocalDate,
        collectionMethod: CollectionMethod, paymentTermsDays: Int, metadata: [String: String], livemode: Bool,
        now: Date
    ) {
        self.id = id
        self.customerID = customerID
        self.planCode = planCode
        self.planVersion = planVersion
        self.quantity = quantity
        self.currency = currency
        self.status = status
        self.startDate = startDate
        self.trialEnd = trialEnd
        self.billingAnchor = billingAnchor
        self.collectionMethod = collectionMethod
        self.paymentTermsDays = paymentTermsDays
        self.currentPeriodStart = nil
        self.currentPeriodEnd = nil
        self.currentPeriodTrial = false
        self.nextBillingDate = nil
        self.nextBillingAt = nil
        self.cancelAtPeriodEnd = false
        self.canceledAt = nil
        self.endedOn = nil
        self.pausedAt = nil
        self.pendingPlanCode = nil
        self.pendingPlanVersion = nil
        self.pendingQuantity = nil
        self.metadata = metadata
        self.livemode = livemode
        self.createdAt = now
        self.updatedAt = now
    }

    /// The service period in progress, if the subscription has started.
    public var currentPeriod: BillingPeriod? {
        guard let start = currentPeriodStart, let end = currentPeriodEnd, start < end else { return nil }
        return BillingPeriod(start: start, end: end)
    }
}
