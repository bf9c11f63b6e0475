import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import Testing

/// `Plans/dunning/*.yaml`: what `kontor serve` loads before it starts and syncs into tenants.
@Suite struct DunningPolicyFileTests {
    var directory: URL { DunningPolicies.directory(catalog: CatalogService.defaultDirectory) }

    @Test func theShippedDefaultFileIsTheGermanDefaultPolicy() throws {
        let documents = try DunningPolicies.load(directory: directory)
        #expect(documents.map(\.code).sorted() == ["consumer-gentle", "default"])
        let file = try documents.first { $0.code == "default" }!.policy()
        #expect(file.levels == DunningPolicy.germanDefault.levels)
        let gentle = try documents.first { $0.code == "consumer-gentle" }!.policy()
        #expect(gentle.smallBalanceWriteOff == 200)
        #expect(gentle.levels.last?.actions == [.notify, .writeOff])
    }

    @Test func aBrokenFileIsRefusedNamingFileAndField() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dunning-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try "code: x\nlevels:\n  - name: A\n    after_days: 9\n  - name: B\n    after_days: 3\n".write(
            to: dir.appendingPathComponent("x.yaml"), atomically: true, encoding: .utf8)
        #expect(throws: ValidationError.self) { try DunningPolicies.load(directory: dir) }
        do {
            _ = try DunningPolicies.load(directory: dir)
        } catch let error as ValidationError {
            #expect(error.errors.map(\.field) == ["dunning/x.yaml: levels[1].after_days"])
        }
    }

    @Test func syncedFilesAreListedAndAnAPIPolicyIsNotOverwritten() async throws {
        try await withTestAPI { client, fx in
            let policies = Engine(database: fx.database).dunningPolicies
            #expect(try await policies.sync(directory: directory, tenantIDs: [fx.tenant.id], now: Date()) == 2)
            let put = try await client.send(
                .put, "/v1/dunning_policies/default", key: fx.apiKey,
                json: #"{"code": "default", "levels": [{"name": "Only", "after_days": 3}]}"#)
            #expect(put.status == .ok)
            #expect(try await policies.sync(directory: directory, tenantIDs: [fx.tenant.id], now: Date()) == 1)
            let list = try await client.get("/v1/dunning_policies", fx).json()["data"] as! [[String: Any]]
            let byCode = Dictionary(uniqueKeysWithValues: list.map { ($0["code"] as! String, $0) })
            #expect((byCode["default"]?["levels"] as? [[String: Any]])?.count == 1)
            #expect((byCode["consumer-gentle"]?["levels"] as? [[String: Any]])?.count == 4)
        }
    }
}
