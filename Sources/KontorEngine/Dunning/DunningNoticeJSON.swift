import Foundation
import KontorCore
import KontorStore

/// One item as a notice lists it.
public struct NoticeItemJSON: Codable, Sendable, Equatable {
    public var invoice: String
    public var number: String
    /// `principal`, `costs` or `interest` (§ 367 (1) BGB).
    public var kind: String?
    public var dueDate: String
    public var open: Int64
    public var daysOverdue: Int
    /// False for an open item listed for completeness that is not yet due (nothing demanded).
    public var overdue: Bool
    /// The day this claim is in default from (§ 286 BGB); nil for fee items and items not due.
    public var defaultSince: String?
    /// Default interest charged on this claim at this notice, for `interest_from`…`interest_through`.
    public var interest: Int64?
    public var interestFrom: String?
    public var interestThrough: String?
    /// The fee item that carries this claim's interest.
    public var interestItem: String?
}

/// The dunning notice object (`GET /v1/dunning_notices/{id}`, `dunning.level_reached`).
public struct DunningNoticeJSON: Codable, Sendable, Equatable {
    public var id: String
    public var object = "dunning_notice"
    public var customer: String
    public var caseNumber: Int
    public var level: Int
    public var levelName: String
    public var policy: String
    public var noticeDate: String
    public var currency: String
    public var items: [NoticeItemJSON]
    public var itemsTotal: Int64
    public var fee: Int64
    public var interest: Int64
    public var flatFee: Int64
    public var totalDue: Int64
    public var feeInvoice: String?
    public var actions: [String]
    public var body: String
    public var createdAt: Date

    init(_ d: NoticeDraft, noticeDate: LocalDate, createdAt: Date) {
        self.init(DunningNotice(draft: d, noticeDate: noticeDate, createdAt: createdAt))
    }

    public init(_ n: DunningNotice) {
        id = n.id
        customer = n.customerID
        caseNumber = n.caseNo
        level = n.level
        levelName = n.levelName
        policy = n.policyCode
        noticeDate = n.noticeDate.description
        currency = n.currency
        items = (try? KontorJSON.decoder().decode([NoticeItemJSON].self, from: Data(n.itemsJSON.utf8))) ?? []
        itemsTotal = n.itemsTotal
        fee = n.fee
        interest = n.interest
        flatFee = n.flatFee
        totalDue = n.itemsTotal + n.fee + n.interest + n.flatFee
        feeInvoice = n.feeInvoiceID
        actions = n.actions
        body = n.body
        createdAt = n.createdAt
    }
}

/// `GET /v1/customers/{id}/dunning`: where the customer's dunning stands, and its notices.
public struct CustomerDunningJSON: Codable, Sendable, Equatable {
    public var object = "customer_dunning"
    public var customer: String
    public var policy: String
    public var caseNumber: Int
    public var level: Int
    public var levelName: String?
    public var levelReachedOn: String?
    public var inDefaultSince: String?
    public var interestCharged: Int64
    public var notices: [DunningNoticeJSON]
}
