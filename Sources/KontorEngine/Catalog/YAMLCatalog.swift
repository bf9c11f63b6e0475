import Foundation
import KontorCore
import Yams

/// Reads `Plans/*.yaml` into `CatalogNode`s with line numbers, via Yams.
public enum YAMLCatalog {
    /// One problem in one catalog file, as `kontor plans sync` prints it:
    /// `Plans/team.yaml:14: charges[1].unit_amount.EUR must be …`.
    public struct Issue: Sendable, CustomStringConvertible, Equatable {
        public let file: String
        public let line: Int?
        public let field: String
        public let message: String

        public var description: String { "\(file)\(line.map { ":\($0)" } ?? ""): \(field) \(message)" }
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let issues: [Issue]

        public var description: String { issues.map(\.description).joined(separator: "\n") }
    }

    /// Parses and validates every `*.yaml`/`*.yml` file of `directory`. Throws `Failure` with
    /// every issue of every file, or returns the plans (nothing is applied either way).
    public static func load(directory: URL) throws -> [Plan] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        var plans: [Plan] = []
        var issues: [Issue] = []
        for name in names {
            let display = directory.lastPathComponent + "/" + name
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            switch parse(text, file: display) {
            case .success(let plan):
                if let other = plans.firstIndex(where: { $0.code == plan.code }) {
                    issues.append(
                        Issue(
                            file: display, line: nil, field: "code",
                            message: "\(plan.code) is also defined in file \(names[other])")
                    )
                }
                plans.append(plan)
            case .failure(let failure):
                issues += failure.issues
            }
        }
        if !issues.isEmpty { throw Failure(issues: issues) }
        return plans
    }

    public static func parse(_ text: String, file: String) -> Result<Plan, Failure> {
        let node: Node
        do {
            guard let composed = try Yams.compose(yaml: text) else {
                return .failure(Failure(issues: [Issue(file: file, line: 1, field: "(document)", message: "is empty")]))
            }
            node = composed
        } catch let error as YamlError {
            return .failure(
                Failure(issues: [Issue(file: file, line: error.line, field: "(yaml)", message: "\(error)")]))
        } catch {
            return .failure(Failure(issues: [Issue(file: file, line: nil, field: "(yaml)", message: "\(error)")]))
        }
        switch PlanParser.parse(catalogNode(node)) {
        case .success(let plan): return .success(plan)
        case .failure(let error):
            return .failure(
                Failure(
                    issues: error.issues.map { Issue(file: file, line: $0.line, field: $0.field, message: $0.message) }
                )
            )
        }
    }

    static func catalogNode(_ node: Node) -> CatalogNode {
        let line = node.mark.map { $0.line }
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain || scalar.style == .any {
                if node.null != nil { return CatalogNode(.null, line: line) }
                if let bool = node.bool { return CatalogNode(.bool(bool), line: line) }
                if let int = node.int { return CatalogNode(.integer(Int64(int)), line: line) }
                if node.float != nil { return CatalogNode(.number(scalar.string), line: line) }
            }
            return CatalogNode(.string(scalar.string), line: line)
        case .mapping(let mapping):
            return CatalogNode(
                .map(mapping.map { (key: $0.key.string ?? "\($0.key)", node: catalogNode($0.value)) }), line: line
            )
        case .sequence(let sequence):
            return CatalogNode(.list(sequence.map(catalogNode)), line: line)
        case .alias:
            return CatalogNode(.null, line: line)
        }
    }
}

extension YamlError {
    var line: Int? {
        switch self {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _): mark.line
        default: nil
        }
    }
}
