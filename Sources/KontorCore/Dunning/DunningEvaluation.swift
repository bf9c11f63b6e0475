/// An item as dunning sees it.
public struct DunnedItem: Hashable, Sendable {
    public let item: OpenItem
    /// Disputed, or covered by a payment plan that is being kept: not dunned.
    public let paused: Bool
    /// Handed over to the collection agency: not dunned by us, but still owed — the case stays
    /// open (service is not restored) while the agency pursues it.
    public let withAgency: Bool

    public init(item: OpenItem, paused: Bool = false, withAgency: Bool = false) {
        self.item = item
        self.paused = paused
        self.withAgency = withAgency
    }
}

/// Where a customer's dunning case stands.
public struct DunningCase: Hashable, Sendable {
    /// 0 while no level has been reached.
    public var level: Int
    public var levelReachedOn: LocalDate?
    /// The day the first notice went out: the debtor is in default from then (§286 (1) BGB).
    public var defaultSince: LocalDate?
    /// Default interest charged in this case so far (a record: what each claim still accrues
    /// follows from its own `interestThrough`).
    public var interestCharged: Int64
    public var flatFeeCharged: Bool

    public init(
        level: Int = 0, levelReachedOn: LocalDate? = nil, defaultSince: LocalDate? = nil, interestCharged: Int64 = 0,
        flatFeeCharged: Bool = false
    ) {
        self.level = level
        self.levelReachedOn = levelReachedOn
        self.defaultSince = defaultSince
        self.interestCharged = interestCharged
        self.flatFeeCharged = flatFeeCharged
    }

    public static let none = DunningCase()
}

/// Default interest on one claim for one span: charged as its own item, shown on the notice.
public struct ClaimInterest: Hashable, Sendable {
    public let itemID: String
    /// First and last day charged, both inclusive.
    public let from: LocalDate
    public let through: LocalDate
    /// The principal still open the interest is computed on.
    public let base: Int64
    public let amount: Int64

    public init(itemID: String, from: LocalDate, through: LocalDate, base: Int64, amount: Int64) {
        self.itemID = itemID
        self.from = from
        self.through = through
        self.base = base
        self.amount = amount
    }
}

/// When a claim is in default (Verzug), per claim — never per customer or case.
///
/// § 286 (1) BGB: by the first notice after the due date that demands it; § 286 (3): a business
/// debtor at the latest 30 days after the due date (an invoice is received by its due date). A
/// consumer only by notice: Kontor's invoices do not carry the § 286 (3) consumer notice.
/// Whichever comes first; once in default, a claim stays so.
public enum DefaultRule {
    public static let businessDaysAfterDue = 30

    public static func defaultDate(of item: OpenItem, demandedOn notice: LocalDate?, consumer: Bool) -> LocalDate? {
        let demanded = item.defaultSince ?? notice
        let automatic = consumer ? nil : item.dueDate.adding(days: businessDaysAfterDue)
        switch (demanded, automatic) {
        case (let d?, let a?): return min(d, a)
        case (let d?, nil): return d
        case (nil, let a?): return a
        case (nil, nil): return nil
        }
    }
}

/// What one evaluation decides.
public enum DunningDecision: Hashable, Sendable {
    /// Nothing overdue (nothing with the agency either): the case (if any) is closed and
    /// restricted service restored.
    case settled
    /// Overdue, but the next level is not due yet (or the last level was reached).
    case wait
    /// Reach `level` (1-based) today, with these charges and actions.
    case escalate(DunningStep)
}

public struct DunningStep: Hashable, Sendable {
    public let level: Int
    public let definition: DunningLevel
    /// The overdue items: what the notice demands (and what a hand-over or write-off takes),
    /// oldest due first.
    public let overdue: [OpenItem]
    /// The customer's other open items, not yet due: the notice lists them too, so it shows
    /// everything open (paused items and items with the agency aside).
    public let notYetDue: [OpenItem]
    public let fee: Int64
    /// Default interest charged at this step: the sum of `interestByItem`.
    public let interest: Int64
    /// Interest per claim (principal), each for its own span (§ 286, § 288, § 289 BGB).
    public let interestByItem: [ClaimInterest]
    /// The day each overdue principal is in default from (§ 286 BGB), as this step decides it.
    public let defaults: [String: LocalDate]
    public let flatFee: Int64
    /// The case after this step.
    public let next: DunningCase
    /// This step opens a new case: the last level of the old one was reached, and what is
    /// overdue now fell due after it.
    public let opensNewCase: Bool
}

/// Dunning rules, evaluated per customer on a day.
///
/// Escalation is by the oldest overdue item's days past due, one level per evaluation, and a
/// level is never reached sooner after the one before than the policy's gap between them. So a
/// customer is never skipped past a notice — not after a partial payment, not after days
/// without a run (Kill Bill #2297) — and every notice gives the time the policy promises.
public struct DunningEvaluator: Sendable {
    public let policy: DunningPolicy
    public let interest: DefaultInterest

    public init(policy: DunningPolicy, interest: DefaultInterest = DefaultInterest()) {
        self.policy = policy
        self.interest = interest
    }

    public func evaluate(
        items: [DunnedItem], state: DunningCase, today: LocalDate, consumer: Bool, currency: String
    ) -> DunningDecision {
        let owed = items.filter { $0.item.open > 0 && $0.item.dueDate < today }
        guard !owed.isEmpty else { return .settled }
        let overdue = owed.filter { !$0.paused && !$0.withAgency }.map(\.item)
            .sorted { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }
        let notYetDue = items.filter { !$0.paused && !$0.withAgency && $0.item.open > 0 && $0.item.dueDate >= today }
            .map(\.item).sorted { ($0.dueDate, $0.number) < ($1.dueDate, $1.number) }
        guard let oldest = overdue.first else { return .wait }
        let levelNumber = state.level + 1
        guard levelNumber <= policy.levels.count else {
            // The last level was reached. Claims that fell due after it — the items it listed
            // are with the agency or written off — go through the policy from its first level,
            // in a case of their own: each claim gets every notice the policy promises.
            guard let reached = state.levelReachedOn, overdue.allSatisfy({ $0.dueDate >= reached }),
                case .escalate(let first) = evaluate(
                    items: (overdue + notYetDue).map { DunnedItem(item: $0) }, state: .none, today: today,
                    consumer: consumer, currency: currency)
            else { return .wait }
            return .escalate(
                DunningStep(
                    level: first.level, definition: first.definition, overdue: first.overdue,
                    notYetDue: first.notYetDue, fee: first.fee, interest: first.interest,
                    interestByItem: first.interestByItem, defaults: first.defaults, flatFee: first.flatFee,
                    next: first.next, opensNewCase: true))
        }
        let level = policy.levels[levelNumber - 1]
        guard oldest.daysPastDue(on: today) >= level.afterDays else { return .wait }
        if state.level > 0, let reached = state.levelReachedOn {
            let gap = level.afterDays - policy.levels[state.level - 1].afterDays
            guard reached.days(to: today) >= gap else { return .wait }
        }
        var next = state
        next.level = levelNumber
        next.levelReachedOn = today
        next.defaultSince = state.defaultSince ?? today
        // Every overdue principal listed on this notice is demanded by it (§ 286 (1)), unless it
        // was in default already. Fee and interest items are no principal: no interest on them
        // (§ 289: none on interest; fees are not principal).
        var defaults: [String: LocalDate] = [:]
        var byItem: [ClaimInterest] = []
        for item in overdue where item.part == .principal {
            guard let since = DefaultRule.defaultDate(of: item, demandedOn: today, consumer: consumer) else { continue }
            defaults[item.id] = since
            guard level.interest else { continue }
            // From the day after default, or after the last day already charged; through today.
            let from = max(
                since.adding(days: 1), item.interestThrough.map { $0.adding(days: 1) } ?? since.adding(days: 1))
            let amount = interest.interest(on: item.open, from: from, to: today.adding(days: 1), consumer: consumer)
            guard amount > 0 else { continue }
            byItem.append(ClaimInterest(itemID: item.id, from: from, through: today, base: item.open, amount: amount))
        }
        let accrued = byItem.reduce(Int64(0)) { $0 + $1.amount }
        next.interestCharged = state.interestCharged + accrued
        var flat: Int64 = 0
        if level.flatFee, !consumer, !state.flatFeeCharged, currency == "EUR" {
            flat = DefaultInterest.businessFlatFeeEUR
            next.flatFeeCharged = true
        }
        return .escalate(
            DunningStep(
                level: levelNumber, definition: level, overdue: overdue, notYetDue: notYetDue, fee: level.fee,
                interest: accrued, interestByItem: byItem, defaults: defaults,
                flatFee: flat, next: next, opensNewCase: false)
        )
    }
}
