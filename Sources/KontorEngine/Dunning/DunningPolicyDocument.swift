import Foundation
import KontorCore
import KontorStore

/// A dunning policy as YAML files (`Plans/dunning/*.yaml`) and the API spell it.
public struct DunningPolicyDocument: Codable, Sendable, Equatable {
    public struct Level: Codable, Sendable, Equatable {
        public var name: String
        public var afterDays: Int
        public var fee: Int64?
        public var interest: Bool?
        public var flatFee: Bool?
        public var actions: [String]?
        public var template: String?
        /// `email` (default), `letter` or `none`.
        public var channel: String?
    }

    public var code: String
    public var name: String?
    public var currency: String?
    public var smallBalanceWriteOff: Int64?
    /// `auto` (default) or `review` (Mahnvorschlag: the run proposes, finance releases).
    public var mode: String?
    public var levels: [Level]

    public init(_ p: DunningPolicy) {
        code = p.code
        name = p.name
        currency = p.currency
        smallBalanceWriteOff = p.smallBalanceWriteOff
        mode = p.mode.rawValue
        levels = p.levels.map {
            Level(
                name: $0.name, afterDays: $0.afterDays, fee: $0.fee, interest: $0.interest, flatFee: $0.flatFee,
                actions: $0.actions.map(\.rawValue), template: $0.template, channel: $0.channel.rawValue)
        }
    }

    /// The policy, or every field that is wrong.
    public func policy() throws -> DunningPolicy {
        var errors: [FieldError] = []
        var levels: [DunningLevel] = []
        for (i, level) in self.levels.enumerated() {
            var actions: [DunningAction] = []
            for (j, raw) in (level.actions ?? ["notify"]).enumerated() {
                if let a = DunningAction(rawValue: raw) {
                    actions.append(a)
                } else {
                    errors.append(
                        FieldError(
                            field: "levels[\(i)].actions[\(j)]",
                            message: "must be one of notify, restrict, suspend, hand_over, write_off"))
                }
            }
            let channel = level.channel.map(DunningChannel.init(rawValue:)) ?? .email
            if channel == nil {
                errors.append(FieldError(field: "levels[\(i)].channel", message: "must be email, letter or none"))
            }
            if let t = level.template, (try? NoticeRenderer.compile(t)) == nil {
                errors.append(FieldError(field: "levels[\(i)].template", message: "is not a valid Mustache template"))
            }
            levels.append(
                DunningLevel(
                    name: level.name, afterDays: level.afterDays, fee: level.fee ?? 0,
                    interest: level.interest ?? false,
                    flatFee: level.flatFee ?? false, actions: actions, template: level.template,
                    channel: channel ?? .email))
        }
        let currency = currency ?? "EUR"
        if Currency(code: currency) == nil {
            errors.append(FieldError(field: "currency", message: "must be an ISO 4217 code"))
        }
        let mode = self.mode.map(DunningMode.init(rawValue:)) ?? .auto
        if mode == nil { errors.append(FieldError(field: "mode", message: "must be auto or review")) }
        let policy = DunningPolicy(
            code: code, name: name ?? code, currency: currency, levels: levels,
            smallBalanceWriteOff: smallBalanceWriteOff ?? 0, mode: mode ?? .auto)
        errors += policy.validate()
        guard errors.isEmpty else { throw ValidationError(errors) }
        return policy
    }

    func record(source: String, now: Date) throws -> DunningPolicyRecord {
        let p = try policy()
        let levels = String(decoding: try KontorJSON.encode(DunningPolicyDocument(p).levels), as: UTF8.self)
        return DunningPolicyRecord(
            code: p.code, name: p.name, currency: p.currency, levelsJSON: levels,
            smallBalanceWriteOff: p.smallBalanceWriteOff, mode: p.mode.rawValue, source: source, updatedAt: now)
    }

    init(record r: DunningPolicyRecord) throws {
        code = r.code
        name = r.name
        currency = r.currency
        smallBalanceWriteOff = r.smallBalanceWriteOff
        mode = r.mode
        levels = try KontorJSON.decoder().decode([Level].self, from: Data(r.levelsJSON.utf8))
    }
}
