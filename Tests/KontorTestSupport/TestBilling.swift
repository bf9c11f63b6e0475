import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import PostgresNIO

extension APIFixture {
    /// Gives the fixture's tenant seller fields and the `Plans/` catalog, as
    /// `kontor tenants create` would.
    public func prepareForBilling() async throws {
        try await TenantRepository(database: database).updateSeller(
            tenant.id, legalName: "Test GmbH", address: "Teststraße 1\n10115 Berlin\nDE", vatID: "DE136695976",
            homeCountry: "DE"
        )
        try await Engine(database: database).catalog.sync(
            directory: CatalogService.defaultDirectory, tenantIDs: [tenant.id], now: Date()
        )
    }

    /// Σ of all ledger amounts per currency: zero for a balanced ledger.
    public func trialBalance() async throws -> [String: Int64] {
        let rows = try await database.client.query(
            "SELECT currency, sum(amount)::bigint FROM ledger_entries GROUP BY currency", logger: database.logger
        )
        var result: [String: Int64] = [:]
        for try await (currency, sum) in rows.decode((String, Int64).self) { result[currency] = sum }
        return result
    }

    /// Runs one SQL statement (for tests that poke the database directly).
    public func execute(_ sql: String) async throws {
        _ = try await database.client.query(PostgresQuery(unsafeSQL: sql), logger: database.logger)
    }

    /// Event types of the outbox in order.
    public func eventTypes() async throws -> [String] {
        let rows = try await database.client.query(
            "SELECT type FROM events WHERE tenant_id = \(tenant.id) ORDER BY seq", logger: database.logger
        )
        var types: [String] = []
        for try await type in rows.decode(String.self) { types.append(type) }
        return types
    }
}

extension TestClientProtocol {
    /// POSTs JSON with the fixture's key and returns the answer's JSON object; records the
    /// status for the caller to check.
    public func post(_ uri: String, _ fx: APIFixture, _ json: String) async throws -> TestResponse {
        try await send(.post, uri, key: fx.apiKey, json: json)
    }

    public func get(_ uri: String, _ fx: APIFixture) async throws -> TestResponse {
        try await send(.get, uri, key: fx.apiKey)
    }
}

extension APIFixture {
    /// How many rows of any table in the schema contain `needle` in their text form.
    public func rowsContaining(_ needle: String) async throws -> Int {
        let tables = try await database.client.query(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'", logger: database.logger
        )
        var names: [String] = []
        for try await name in tables.decode(String.self) { names.append(name) }
        var total = 0
        for name in names {
            let rows = try await database.client.query(
                PostgresQuery(
                    unsafeSQL: "SELECT count(*)::bigint FROM \(name) t WHERE t::text LIKE $1",
                    binds: {
                        var b = PostgresBindings()
                        b.append("%\(needle)%")
                        return b
                    }()),
                logger: database.logger
            )
            for try await n in rows.decode(Int64.self) { total += Int(n) }
        }
        return total
    }
}

/// A test-clock call that did not answer 200.
public struct TestClockRefused: Error, CustomStringConvertible {
    public let description: String
}

extension TestClientProtocol {
    /// Sets the fixture tenant's test clock to `instant` (RFC 3339) before anything is billed,
    /// so that scenarios with fixed dates stay valid whatever day the tests run on.
    public func freezeClock(at instant: String, _ fx: APIFixture) async throws {
        let response = try await send(.post, "/v1/test_clock", key: fx.apiKey, json: #"{"frozen_time": "\#(instant)"}"#)
        guard response.status == .ok else { throw TestClockRefused(description: response.text) }
    }
}

extension TestClientProtocol {
    /// Advances the fixture tenant's test clock to `instant` (RFC 3339), running all due work.
    public func advanceClock(to instant: String, _ fx: APIFixture) async throws {
        let response = try await send(
            .post, "/v1/test_clock/advance", key: fx.apiKey, json: #"{"to": "\#(instant)"}"#
        )
        guard response.status == .ok else { throw TestClockRefused(description: response.text) }
    }
}
