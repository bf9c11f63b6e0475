import Foundation
import Testing

/// The house rules of DESIGN.md's map, checked on the sources themselves: a rule broken by a
/// new file fails here, naming the file and line, before a reviewer has to notice.
@Suite struct ArchitectureTests {
    /// `Sources/`, found from this file's place in the tree.
    static let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources")

    struct Line: CustomStringConvertible {
        let path: String
        let number: Int
        let text: String
        var description: String { "\(path):\(number): \(text.trimmingCharacters(in: .whitespaces))" }
    }

    /// Every Swift file under `Sources/<target>` (all targets when nil), as path → lines.
    static func files(in target: String? = nil) throws -> [(path: String, lines: [String])] {
        let root = target.map { sources.appendingPathComponent($0) } ?? sources
        let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: nil)
        var result: [(String, [String])] = []
        while let url = walker?.nextObject() as? URL {
            guard url.pathExtension == "swift" else { continue }
            let relative = String(url.path.dropFirst(sources.path.count + 1))
            let text = try String(contentsOf: url, encoding: .utf8)
            result.append((relative, text.components(separatedBy: "\n")))
        }
        return result.sorted { $0.0 < $1.0 }
    }

    /// Lines matching `pattern` in files not under one of `allowed` (path prefixes).
    static func offending(_ pattern: String, in target: String? = nil, allowed: [String] = []) throws -> [Line] {
        let regex = try NSRegularExpression(pattern: pattern)
        var found: [Line] = []
        for (path, lines) in try files(in: target) where !allowed.contains(where: { path.hasPrefix($0) }) {
            for (i, line) in lines.enumerated() {
                let code = line.components(separatedBy: "//").first ?? ""
                if regex.firstMatch(in: code, range: NSRange(code.startIndex..., in: code)) != nil {
                    found.append(Line(path: path, number: i + 1, text: line))
                }
            }
        }
        return found
    }

    @Test func onlyTheStoreSpeaksSQL() throws {
        let sql = #"\.query\(|\bSELECT\b.+\bFROM\b|INSERT INTO|DELETE FROM|UPDATE [a-z_]+ SET|CREATE (TABLE|DATABASE)"#
        #expect(try Self.offending(sql, allowed: ["KontorStore/"]).map(\.description) == [])
    }

    @Test func theAPIDependsOnTheEngineOnly() throws {
        let imports = try Self.offending(#"^import (KontorStore|PostgresNIO)\b"#, in: "KontorAPI")
        #expect(imports.map(\.description) == [])
    }

    @Test func theEngineMakesNoHTTPStatus() throws {
        let statuses = try Self.offending(
            #"StoredResponse\(status:|HTTPResponse|import Hummingbird"#, in: "KontorEngine")
        #expect(statuses.map(\.description) == [])
    }

    @Test func theSystemClockIsReadInOnePlace() throws {
        let reads = try Self.offending(#"\bDate\(\)"#, allowed: ["KontorEngine/Time/Clock.swift"])
        #expect(reads.map(\.description) == [])
    }

    /// Workers are started by their schedule (`RecurringWork`), by the test clock's advance and
    /// after a commit — the last two through `FollowUpRunner` only. (Collection and reversals
    /// are workers that move open items themselves: they re-check dunning for what they moved.)
    @Test func workersAreStartedFromOnePlaceOfTheServicePath() throws {
        let starts = try Self.offending(
            #"\b(dunning|collection|billing|reversals|overdue|expiry)\.run\("#, in: "KontorEngine",
            allowed: [
                "KontorEngine/Operation/FollowUpRunner.swift", "KontorEngine/Time/RecurringWork.swift",
                "KontorEngine/Collection/CollectionRun.swift", "KontorEngine/Collection/ReversalMonitor.swift",
            ])
        #expect(starts.map(\.description) == [])
    }

    /// Repositories, writers, issuers and workers are built when their owner is (once, by the
    /// `Engine`), never per call inside a function body.
    @Test func collaboratorsAreBuiltInInitializersOnly() throws {
        let construction = try NSRegularExpression(
            pattern:
                #"\b[A-Z][A-Za-z]+(Repository|Writer|Outbox|Issuer|Booker|FeeItems|Applier|Run|Monitor)\((logger|database):"#
        )
        var perCall: [String] = []
        for (path, lines) in try Self.files(in: "KontorEngine") {
            var function = ""
            for (i, line) in lines.enumerated() {
                if let name = line.range(
                    of: #"^\s*((public|private|fileprivate|static|@\w+)\s+)*(func \w+|init)"#,
                    options: .regularExpression)
                {
                    function = String(line[name]).trimmingCharacters(in: .whitespaces)
                }
                let range = NSRange(line.startIndex..., in: line)
                if !function.hasSuffix("init"), construction.firstMatch(in: line, range: range) != nil {
                    perCall.append("\(path):\(i + 1): \(function)")
                }
            }
        }
        #expect(perCall == [])
    }

    @Test func noEngineFunctionIsLongerThanSixtyLines() throws {
        var long: [String] = []
        for (path, lines) in try Self.files(in: "KontorEngine") {
            var i = 0
            while i < lines.count {
                let line = lines[i]
                guard
                    line.range(
                        of:
                            #"^\s*(@\w+\s+)*((public|private|fileprivate|internal|static|mutating|override)\s+)*(func|init)\b"#,
                        options: .regularExpression) != nil
                else {
                    i += 1
                    continue
                }
                var depth = 0
                var opened = false
                var j = i
                while j < lines.count {
                    let code = lines[j].replacingOccurrences(
                        of: #""([^"\\]|\\.)*""#, with: "", options: .regularExpression)
                    depth += code.filter { $0 == "{" }.count - code.filter { $0 == "}" }.count
                    if code.contains("{") { opened = true }
                    if opened && depth <= 0 { break }
                    j += 1
                }
                if j - i + 1 > 60 { long.append("\(path):\(i + 1): \(j - i + 1) lines") }
                i += 1
            }
        }
        #expect(long == [])
    }
}
