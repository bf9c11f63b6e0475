/// Reads and validates one plan definition, collecting every problem with its field path
/// and line instead of stopping at the first.
public struct PlanParser {
    private(set) var issues: [CatalogIssue] = []

    public init() {}

    /// The plan, or every issue found. `expectedCode` (from `PUT /v1/plans/{code}`) fills a
    /// missing `code` and must match a present one.
    public static func parse(_ root: CatalogNode, expectedCode: String? = nil) -> Result<Plan, PlanDefinitionError> {
        var parser = PlanParser()
        let plan = parser.plan(root, expectedCode: expectedCode)
        if let plan, parser.issues.isEmpty { return .success(plan) }
        return .failure(PlanDefinitionError(issues: parser.issues))
    }

    static let codePattern: Set<Character> = Set("abcdefghijklmnopqrstuvwxyz0123456789_-")

    public static func isValidCode(_ code: String) -> Bool {
        (1...64).contains(code.count) && code.allSatisfy { codePattern.contains($0) }
            && code.first.map { $0 != "-" && $0 != "_" } == true
    }

    mutating func plan(_ root: CatalogNode, expectedCode: String?) -> Plan? {
        guard var fields = map(root, path: "") else { return nil }
        var code = fields.string("code", required: expectedCode == nil, parser: &self)
        if let expectedCode {
            if let given = code, given != expectedCode {
                issue("code", fields.line("code"), "must match the plan code in the path (\(expectedCode))")
            }
            code = expectedCode
        }
        if let c = code, !Self.isValidCode(c) {
            issue("code", fields.line("code"), "must be 1 to 64 of a-z, 0-9, _ and -, starting with a letter or digit")
        }
        let name = fields.string("name", required: true, parser: &self)
        let interval = fields.enumeration("interval", BillingInterval.Unit.self, required: true, parser: &self)
        let intervalCount = fields.integer("interval_count", range: 1...1000, parser: &self) ?? 1
        let trialDays = fields.integer("trial_days", range: 0...730, parser: &self) ?? 0
        let taxCategory = fields.enumeration("tax_category", TaxCategory.self, required: false, parser: &self)
        var currencies: [String] = []
        if let list = fields.list("currencies", required: true, parser: &self) {
            for (i, node) in list.enumerated() {
                guard case .string(let text) = node.value, let currency = Currency(code: text), text == currency.code
                else {
                    issue("currencies[\(i)]", node.line ?? list.first?.line, "must be an ISO 4217 code in upper case")
                    continue
                }
                if currencies.contains(currency.code) {
                    issue("currencies[\(i)]", node.line, "repeats \(currency.code)")
                }
                currencies.append(currency.code)
            }
            if list.isEmpty { issue("currencies", fields.line("currencies"), "must name at least one currency") }
        }
        var charges: [Charge] = []
        if let list = fields.list("charges", required: true, parser: &self) {
            if list.isEmpty { issue("charges", fields.line("charges"), "must have at least one charge") }
            for (i, node) in list.enumerated() {
                if let charge = charge(node, path: "charges[\(i)]", currencies: currencies) {
                    if charges.contains(where: { $0.code == charge.code }) {
                        issue("charges[\(i)].code", node.line, "repeats charge code \(charge.code)")
                    }
                    if let metric = charge.metric, charges.contains(where: { $0.metric == metric }) {
                        issue("charges[\(i)].metric", node.line, "repeats metric \(metric)")
                    }
                    charges.append(charge)
                }
            }
        }
        fields.rejectUnknown(parser: &self)
        guard let code, let name, let interval else { return nil }
        return Plan(
            code: code, name: name, interval: interval, intervalCount: intervalCount, trialDays: trialDays,
            currencies: currencies, taxCategory: taxCategory ?? .standard, charges: charges
        )
    }

    mutating func charge(_ node: CatalogNode, path: String, currencies: [String]) -> Charge? {
        guard var fields = map(node, path: path) else { return nil }
        let code = fields.string("code", required: true, parser: &self)
        if let code, !Self.isValidCode(code) {
            issue("\(path).code", fields.line("code"), "must be 1 to 64 of a-z, 0-9, _ and -")
        }
        let name = fields.string("name", required: false, parser: &self) ?? code
        let type = fields.enumeration("type", ChargeType.self, required: true, parser: &self)
        var charge = Charge(code: code ?? "", name: name ?? "", type: type ?? .flat)
        charge.amount = fields.prices("amount", currencies: currencies, parser: &self)
        charge.unitAmount = fields.prices("unit_amount", currencies: currencies, parser: &self)
        charge.tiersMode = fields.enumeration("tiers_mode", TiersMode.self, required: false, parser: &self)
        charge.metric = fields.string("metric", required: false, parser: &self)
        charge.aggregation = fields.enumeration("aggregation", UsageAggregation.self, required: false, parser: &self)
        if let list = fields.list("tiers", required: false, parser: &self) {
            charge.tiers = tiers(list, path: "\(path).tiers", currencies: currencies, line: fields.line("tiers"))
        }
        let line = node.line
        func need(_ key: String, _ present: Bool) {
            if !present { issue("\(path).\(key)", line, "is required for a \(charge.type.rawValue) charge") }
        }
        func forbid(_ key: String, _ present: Bool) {
            if present {
                issue("\(path).\(key)", fields.line(key) ?? line, "does not apply to a \(charge.type.rawValue) charge")
            }
        }
        switch type {
        case .flat?, .setupFee?:
            need("amount", charge.amount != nil)
            for key in ["unit_amount", "tiers", "tiers_mode", "metric", "aggregation"] { forbid(key, fields.has(key)) }
        case .perUnit?:
            need("unit_amount", charge.unitAmount != nil)
            for key in ["amount", "tiers", "tiers_mode", "metric", "aggregation"] { forbid(key, fields.has(key)) }
        case .tiered?:
            need("tiers", fields.has("tiers"))
            need("tiers_mode", fields.has("tiers_mode"))
            for key in ["amount", "unit_amount", "metric", "aggregation"] { forbid(key, fields.has(key)) }
        case .metered?:
            need("metric", fields.has("metric"))
            need("aggregation", fields.has("aggregation"))
            forbid("amount", fields.has("amount"))
            if fields.has("tiers") || fields.has("tiers_mode") {
                need("tiers", fields.has("tiers"))
                need("tiers_mode", fields.has("tiers_mode"))
                forbid("unit_amount", fields.has("unit_amount"))
            } else {
                need("unit_amount", fields.has("unit_amount"))
            }
            if let metric = charge.metric, !Self.isValidCode(metric) {
                issue("\(path).metric", fields.line("metric"), "must be 1 to 64 of a-z, 0-9, _ and -")
            }
        case nil:
            break
        }
        fields.rejectUnknown(parser: &self)
        return code == nil || type == nil ? nil : charge
    }

    mutating func tiers(_ list: [CatalogNode], path: String, currencies: [String], line: Int?) -> [Tier] {
        var tiers: [Tier] = []
        if list.isEmpty { issue(path, line, "must have at least one tier") }
        for (i, node) in list.enumerated() {
            let tierPath = "\(path)[\(i)]"
            guard var fields = map(node, path: tierPath) else { continue }
            let upTo: Int64?
            if let n = fields.node("up_to"), case .null = n.value {
                upTo = nil
            } else if fields.has("up_to") {
                upTo = fields.integer("up_to", range: 1...Int64(Int32.max) * 1_000_000, parser: &self).map(Int64.init)
            } else {
                upTo = nil
            }
            let unit = fields.prices("unit_amount", currencies: currencies, parser: &self)
            let flat = fields.prices("flat_amount", currencies: currencies, parser: &self)
            if unit == nil && flat == nil {
                issue("\(tierPath).unit_amount", node.line, "or flat_amount is required")
            }
            fields.rejectUnknown(parser: &self)
            let isLast = i == list.count - 1
            if upTo == nil && !isLast {
                issue("\(tierPath).up_to", node.line, "is required on every tier but the last")
            }
            if upTo != nil && isLast {
                issue("\(tierPath).up_to", node.line, "must be empty on the last tier (no upper bound)")
            }
            if let upTo, let previous = tiers.last?.upTo, upTo <= previous {
                issue("\(tierPath).up_to", node.line, "must be greater than the previous tier's (\(previous))")
            }
            tiers.append(Tier(upTo: upTo, unitAmount: unit ?? [:], flatAmount: flat))
        }
        return tiers
    }

    mutating func map(_ node: CatalogNode, path: String) -> FieldReader? {
        guard case .map(let pairs) = node.value else {
            issue(path.isEmpty ? "(document)" : path, node.line, "must be a mapping, not \(node.typeName)")
            return nil
        }
        return FieldReader(pairs: pairs, path: path, line: node.line)
    }

    mutating func issue(_ field: String, _ line: Int?, _ message: String) {
        issues.append(CatalogIssue(field: field, line: line, message: message))
    }
}

/// A plan definition that failed validation, with every issue.
public struct PlanDefinitionError: Error, Sendable {
    public let issues: [CatalogIssue]
}
