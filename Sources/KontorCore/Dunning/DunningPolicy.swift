/// What a dunning level does besides sending its notice.
public enum DunningAction: String, CaseIterable, Hashable, Sendable, Codable {
    /// Send the notice (every level does; listed for clarity).
    case notify
    /// Restrict the service: subscriptions become `restricted`.
    case restrict
    /// Suspend the service: subscriptions become `suspended`.
    case suspend
    /// Hand the overdue items over to the collection agency (Inkasso).
    case handOver = "hand_over"
    /// Write the overdue items off.
    case writeOff = "write_off"
}

/// How a level's notice reaches the debtor.
public enum DunningChannel: String, CaseIterable, Hashable, Sendable, Codable {
    /// E-mailed with its PDF.
    case email
    /// The PDF queued for print and post (a message with channel `letter`, status `to_print`).
    case letter
    /// Archived only: the level acts (fees, restriction, hand-over) but nothing is sent.
    case none
}

/// One step of escalation: Zahlungserinnerung, 1. Mahnung, 2. Mahnung, letzte Mahnung, Inkasso.
public struct DunningLevel: Hashable, Sendable {
    public var name: String
    /// Days after the due date of the oldest overdue item at which this level is reached.
    public var afterDays: Int
    /// Dunning fee (Mahngebühr) in minor units, charged as its own open item; 0 for none.
    public var fee: Int64
    /// Charge default interest (§288 BGB) accrued up to this level.
    public var interest: Bool
    /// Charge the EUR 40 flat fee of §288 (5) BGB against a business debtor (once per case).
    public var flatFee: Bool
    public var actions: [DunningAction]
    /// Mustache template of the notice; the policy's default when nil.
    public var template: String?
    /// How the notice reaches the debtor (e-mail unless the level says otherwise).
    public var channel: DunningChannel

    public init(
        name: String, afterDays: Int, fee: Int64 = 0, interest: Bool = false, flatFee: Bool = false,
        actions: [DunningAction] = [.notify], template: String? = nil, channel: DunningChannel = .email
    ) {
        self.channel = channel
        self.name = name
        self.afterDays = afterDays
        self.fee = fee
        self.interest = interest
        self.flatFee = flatFee
        self.actions = actions
        self.template = template
    }
}

/// Whether a policy's run acts by itself or asks finance first.
public enum DunningMode: String, CaseIterable, Hashable, Sendable, Codable {
    /// The run sends the notices, charges the fees and takes the actions.
    case auto
    /// The run proposes (Mahnvorschlag): nothing is sent, charged or done until finance
    /// releases the proposal.
    case review
}

/// A dunning policy: the levels a customer segment goes through, in order.
public struct DunningPolicy: Hashable, Sendable {
    public var code: String
    public var name: String
    public var currency: String
    public var levels: [DunningLevel]
    /// Open amounts at or below this (minor units) are written off instead of dunned
    /// (Kleinbetragsausbuchung); 0 turns it off.
    public var smallBalanceWriteOff: Int64
    public var mode: DunningMode

    public init(
        code: String, name: String, currency: String, levels: [DunningLevel], smallBalanceWriteOff: Int64 = 0,
        mode: DunningMode = .auto
    ) {
        self.mode = mode
        self.code = code
        self.name = name
        self.currency = currency
        self.levels = levels
        self.smallBalanceWriteOff = smallBalanceWriteOff
    }

    /// Rules a policy must keep; errors name the field as the YAML or JSON spells it.
    public func validate() -> [FieldError] {
        var errors: [FieldError] = []
        if !code.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }) || code.isEmpty
            || code.count > 64
        {
            errors.append(FieldError(field: "code", message: "must be 1 to 64 letters, digits, _ or -"))
        }
        if levels.isEmpty || levels.count > 10 {
            errors.append(FieldError(field: "levels", message: "must have 1 to 10 levels"))
        }
        if smallBalanceWriteOff < 0 {
            errors.append(FieldError(field: "small_balance_write_off", message: "must not be negative"))
        }
        var previous = 0
        for (i, level) in levels.enumerated() {
            if level.name.isEmpty {
                errors.append(FieldError(field: "levels[\(i)].name", message: "is required"))
            }
            if level.afterDays < 1 || level.afterDays > 3650 {
                errors.append(FieldError(field: "levels[\(i)].after_days", message: "must be from 1 to 3650"))
            } else if level.afterDays <= previous {
                errors.append(
                    FieldError(field: "levels[\(i)].after_days", message: "must be later than the level before"))
            }
            previous = max(previous, level.afterDays)
            if level.fee < 0 {
                errors.append(FieldError(field: "levels[\(i)].fee", message: "must not be negative"))
            }
            let terminal = level.actions.contains(.handOver) || level.actions.contains(.writeOff)
            if terminal && i != levels.count - 1 {
                errors.append(
                    FieldError(
                        field: "levels[\(i)].actions", message: "hand_over and write_off end dunning: last level only"))
            }
        }
        return errors
    }

    /// German practice: payment reminder, 1st and 2nd Mahnung, final notice announcing
    /// collection, hand-over to the agency. Fees are the merchant's choice; these are modest.
    public static let germanDefault = DunningPolicy(
        code: "default", name: "Standard (DE)", currency: "EUR",
        levels: [
            DunningLevel(name: "Zahlungserinnerung", afterDays: 7),
            DunningLevel(name: "1. Mahnung", afterDays: 21, fee: 500, interest: true, flatFee: true),
            DunningLevel(name: "2. Mahnung", afterDays: 35, fee: 500, interest: true, actions: [.notify, .restrict]),
            DunningLevel(
                name: "Letzte Mahnung", afterDays: 49, fee: 500, interest: true, actions: [.notify, .suspend]),
            DunningLevel(name: "Übergabe an Inkasso", afterDays: 63, interest: true, actions: [.notify, .handOver]),
        ],
        smallBalanceWriteOff: 0
    )
}
