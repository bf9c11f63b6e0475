import Foundation
import KontorCore
import KontorStore
import Logging
import PostgresNIO
import Yams

/// Dunning policies per tenant: seeded from `Plans/dunning/*.yaml`, editable through the API.
/// A customer's `dunning_policy` names one; without it (or when it names none that exists)
/// the tenant's `default` applies, and without that the built-in German default.
public struct DunningPolicies: Sendable {
    let database: Database
    let operations: OperationRunner
    let repository: DunningPolicyRepository

    init(database: Database, operations: OperationRunner) {
        self.database = database
        self.operations = operations
        self.repository = DunningPolicyRepository(logger: database.logger)
    }

    /// `Plans/dunning` next to the catalog.
    public static func directory(catalog: URL) -> URL { catalog.appendingPathComponent("dunning") }

    /// Reads and validates every policy file; throws a ValidationError naming `file: field`.
    public static func load(directory: URL) throws -> [DunningPolicyDocument] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return [] }
        var documents: [DunningPolicyDocument] = []
        var errors: [FieldError] = []
        for name in names.sorted() where name.hasSuffix(".yaml") || name.hasSuffix(".yml") {
            let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            do {
                // The files spell fields as the API does (snake_case): decode them the API's way.
                guard let tree = try Yams.load(yaml: text), JSONSerialization.isValidJSONObject(tree) else {
                    throw ValidationError(field: "(yaml)", message: "must be a mapping of policy fields")
                }
                let document = try KontorJSON.decoder().decode(
                    DunningPolicyDocument.self, from: JSONSerialization.data(withJSONObject: tree))
                _ = try document.policy()
                documents.append(document)
            } catch let error as ValidationError {
                errors += error.errors.map { FieldError(field: "dunning/\(name): \($0.field)", message: $0.message) }
            } catch {
                errors.append(FieldError(field: "dunning/\(name)", message: "\(error)"))
            }
        }
        guard errors.isEmpty else { throw ValidationError(errors) }
        return documents
    }

    /// Syncs the files into every given tenant (policies set by the API are left alone).
    public func sync(directory: URL, tenantIDs: [String], now: Date) async throws -> Int {
        let documents = try Self.load(directory: directory)
        var stored = 0
        for tenantID in tenantIDs {
            _ = try await database.transaction { conn in
                for d in documents
                where try await repository.put(d.record(source: "file", now: now), tenantID: tenantID, on: conn) {
                    stored += 1
                }
            }
        }
        return stored
    }

    public func list(tenant: Tenant) async throws -> [DunningPolicyDocument] {
        let stored = try await operations.read(tenant) {
            try await repository.all(tenantID: tenant.id, on: $0.connection)
        }
        var documents = try stored.map(DunningPolicyDocument.init(record:))
        if !documents.contains(where: { $0.code == "default" }) {
            documents.insert(DunningPolicyDocument(.germanDefault), at: 0)
        }
        return documents
    }

    public func put(_ document: DunningPolicyDocument, tenant: Tenant) async throws -> DunningPolicyDocument {
        try await operations.run(tenant) { op in
            let record = try document.record(source: "api", now: op.now)
            _ = try await repository.put(record, tenantID: tenant.id, on: op.connection)
            return try DunningPolicyDocument(record: record)
        }
    }

    /// Every policy of the tenant by code, the built-in default included.
    func resolved(tenantID: String, on conn: PostgresConnection) async throws -> [String: DunningPolicy] {
        try await repository.resolved(tenantID: tenantID, on: conn)
    }
}

extension DunningPolicyRepository {
    /// Every policy of the tenant by code, the built-in default included.
    func resolved(tenantID: String, on conn: PostgresConnection) async throws -> [String: DunningPolicy] {
        var policies = ["default": DunningPolicy.germanDefault]
        for record in try await all(tenantID: tenantID, on: conn) {
            policies[record.code] = try DunningPolicyDocument(record: record).policy()
        }
        return policies
    }
}
