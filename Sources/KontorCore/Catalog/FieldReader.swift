/// Typed access to the fields of one mapping in a plan definition, remembering which were read
/// so unknown ones can be refused.
struct FieldReader {
    let pairs: [(key: String, node: CatalogNode)]
    let path: String
    let ownLine: Int?
    private var consumed: Set<String> = []

    init(pairs: [(key: String, node: CatalogNode)], path: String, line: Int?) {
        self.pairs = pairs
        self.path = path
        self.ownLine = line
    }

    func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    func node(_ key: String) -> CatalogNode? { pairs.first { $0.key == key }?.node }

    func has(_ key: String) -> Bool { node(key) != nil }

    func line(_ key: String) -> Int? { node(key)?.line ?? ownLine }

    private mutating func take(_ key: String, required: Bool, parser: inout PlanParser) -> CatalogNode? {
        consumed.insert(key)
        guard let node = node(key) else {
            if required { parser.issue(name(key), ownLine, "is required") }
            return nil
        }
        if case .null = node.value {
            if required { parser.issue(name(key), node.line, "must not be empty") }
            return nil
        }
        return node
    }

    mutating func string(_ key: String, required: Bool, parser: inout PlanParser) -> String? {
        guard let node = take(key, required: required, parser: &parser) else { return nil }
        guard case .string(let text) = node.value else {
            parser.issue(name(key), node.line, "must be a string, not \(node.typeName)")
            return nil
        }
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty, trimmed.count <= 200 else {
            parser.issue(name(key), node.line, "must be 1 to 200 characters")
            return nil
        }
        return trimmed
    }

    mutating func integer(_ key: String, range: ClosedRange<Int64>, parser: inout PlanParser) -> Int? {
        guard let node = take(key, required: false, parser: &parser) else { return nil }
        guard case .integer(let n) = node.value else {
            parser.issue(name(key), node.line, "must be an integer, not \(node.typeName)")
            return nil
        }
        guard range.contains(n) else {
            parser.issue(name(key), node.line, "must be between \(range.lowerBound) and \(range.upperBound)")
            return nil
        }
        return Int(n)
    }

    mutating func enumeration<E: RawRepresentable & CaseIterable>(
        _ key: String, _ type: E.Type, required: Bool, parser: inout PlanParser
    ) -> E? where E.RawValue == String {
        guard let node = take(key, required: required, parser: &parser) else { return nil }
        guard case .string(let text) = node.value, let value = E(rawValue: text) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            parser.issue(name(key), node.line, "must be one of \(allowed)")
            return nil
        }
        return value
    }

    mutating func list(_ key: String, required: Bool, parser: inout PlanParser) -> [CatalogNode]? {
        guard let node = take(key, required: required, parser: &parser) else { return nil }
        guard case .list(let items) = node.value else {
            parser.issue(name(key), node.line, "must be a list, not \(node.typeName)")
            return nil
        }
        return items
    }

    /// A price per currency in minor units: exactly the plan's currencies, each an integer ≥ 0.
    mutating func prices(_ key: String, currencies: [String], parser: inout PlanParser) -> PriceMap? {
        guard let node = take(key, required: false, parser: &parser) else { return nil }
        guard case .map(let pairs) = node.value else {
            parser.issue(name(key), node.line, "must map currency codes to amounts in minor units, e.g. {EUR: 4900}")
            return nil
        }
        var prices: PriceMap = [:]
        for (code, value) in pairs {
            let field = "\(name(key)).\(code)"
            guard currencies.contains(code) else {
                parser.issue(field, value.line ?? node.line, "is not one of the plan's currencies")
                continue
            }
            guard case .integer(let amount) = value.value, amount >= 0, amount <= 1_000_000_000_000 else {
                parser.issue(
                    field, value.line ?? node.line, "must be a whole amount in minor units between 0 and 10^12"
                )
                continue
            }
            prices[code] = amount
        }
        for code in currencies where !pairs.contains(where: { $0.key == code }) {
            parser.issue("\(name(key)).\(code)", node.line, "is missing: every price needs every plan currency")
        }
        return prices
    }

    mutating func rejectUnknown(parser: inout PlanParser) {
        for (key, node) in pairs where !consumed.contains(key) {
            parser.issue(name(key), node.line, "is not a known field")
        }
    }
}
