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
    /// Default interest already charged in this case, so each level charges only what accrued since.
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
    public let interest: Int64
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
                    notYetDue: first.notYetDue, fee: first.fee, interest: first.interest, flatFee: first.flatFee,
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
        var accrued: Int64 = 0
        if level.interest, let since = next.defaultSince {
            // Interest runs from the day after default began (or after the due date, if later)
            // up to today, on what is open today.
            let total = overdue.reduce(Int64(0)) { sum, item in
                sum
                    + interest.interest(
                        on: item.open, from: max(since, item.dueDate).adding(days: 1), to: today.adding(days: 1),
                        consumer: consumer)
            }
            accrued = max(0, total - state.interestCharged)
            next.interestCharged = state.interestCharged + accrued
        }
        var flat: Int64 = 0
        if level.flatFee, !consumer, !state.flatFeeCharged, currency == "EUR" {
            flat = DefaultInterest.businessFlatFeeEUR
            next.flatFeeCharged = true
        }
        return .escalate(
            DunningStep(
                level: levelNumber, definition: level, overdue: overdue, notYetDue: notYetDue, fee: level.fee,
                interest: accrued,
                flatFee: flat, next: next, opensNewCase: false)
        )
    }
}
