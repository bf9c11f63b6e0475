import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

@Suite struct CatalogTests {
    @Test func theShippedCatalogIsValidAndUsesEveryKindOfPrice() throws {
        let plans = try YAMLCatalog.load(directory: CatalogService.defaultDirectory)
        #expect(plans.count >= 5)
        let types = Set(plans.flatMap { $0.charges.map(\.type) })
        #expect(types == Set(ChargeType.allCases))
        #expect(Set(plans.flatMap { $0.charges.compactMap(\.tiersMode) }) == Set(TiersMode.allCases))
        #expect(Set(plans.flatMap { $0.charges.compactMap(\.aggregation) }) == Set(UsageAggregation.allCases))
        #expect(Set(plans.map(\.interval)) == Set(BillingInterval.Unit.allCases))
        #expect(plans.contains { $0.intervalCount > 1 } && plans.contains { $0.trialDays > 0 })
        #expect(plans.contains { $0.currencies.count > 1 })
    }

    @Test func syncNamesFileLineAndFieldAndAppliesNothing() async throws {
        try await withTestAPI { _, fx in
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("plans-\(UUID())")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: dir) }
            try
                "code: good\nname: Good\ninterval: month\ncurrencies: [EUR]\ncharges:\n  - code: base\n    type: flat\n    amount: {EUR: 100}\n"
                .write(to: dir.appendingPathComponent("good.yaml"), atomically: true, encoding: .utf8)
            try
                "code: bad\nname: Bad\ninterval: month\ncurrencies: [EUR]\ncharges:\n  - code: seats\n    type: per_unit\n    unit_amount: {EUR: -5}\n"
                .write(to: dir.appendingPathComponent("bad.yaml"), atomically: true, encoding: .utf8)
            let service = Engine(database: fx.database).catalog
            do {
                try await service.sync(directory: dir, tenantIDs: [fx.tenant.id], now: Date())
                Issue.record("sync must fail")
            } catch let failure as YAMLCatalog.Failure {
                #expect(failure.issues.count == 1)
                let text = failure.description
                #expect(text.hasPrefix("\(dir.lastPathComponent)/bad.yaml:8: charges[0].unit_amount.EUR"), "\(text)")
            }
            #expect(try await fx.count("plans") == 0)
        }
    }

    @Test func aChangedPriceIsANewVersionAndRunningSubscriptionsKeepTheirs() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let plans = try await client.get("/v1/plans", fx).json()["data"] as! [[String: Any]]
            #expect(plans.count == 8)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                ).json()["id"] as! String
            let old = try await client.post(
                "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#
            ).json()
            let definition =
                #"{"name": "Starter", "interval": "month", "trial_days": 14, "currencies": ["EUR", "USD"], "charges": [{"code": "base", "name": "Base fee", "type": "flat", "amount": {"EUR": 2400, "USD": 2600}}]}"#
            let put = try await client.send(.put, "/v1/plans/starter", key: fx.apiKey, json: definition)
            #expect(put.status == .created)
            #expect(try put.json()["version"] as? Int == 2)
            #expect(try put.json()["source"] as? String == "api")
            let again = try await client.send(.put, "/v1/plans/starter", key: fx.apiKey, json: definition)
            #expect(again.status == .ok)
            #expect(try again.json()["version"] as? Int == 2)
            let v1 = try await client.get("/v1/plans/starter?version=1", fx).json()
            #expect(((v1["charges"] as! [[String: Any]])[0]["amount"] as! [String: Int])["EUR"] == 1900)

            let new = try await client.post(
                "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#
            ).json()
            #expect(old["plan_version"] as? Int == 1)
            #expect(new["plan_version"] as? Int == 2)
            // A month later the grandfathered subscription is billed at the old price.
            let due = LocalDate(old["current_period_end"] as! String)!.startInstant(
                in: TimeZone(identifier: "Europe/Berlin")!)
            try await BillingRun(database: fx.database).run(now: due.addingTimeInterval(60))
            let renewals =
                try await client.get("/v1/invoices?subscription=\(old["id"] as! String)", fx).json()["data"]
                as! [[String: Any]]
            #expect(renewals.map { $0["subtotal"] as? Int } == [1900, 1900])
            // A file sync leaves a plan the tenant manages through the API alone.
            let report = try await Engine(database: fx.database).catalog.sync(
                directory: CatalogService.defaultDirectory, tenantIDs: [fx.tenant.id], now: Date()
            )
            #expect(report.skipped == ["\(fx.tenant.id)/starter"])
            #expect(report.added.isEmpty)
        }
    }

    @Test func anotherTenantsPlansAndSubscriptionsAreInvisible() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                ).json()["id"] as! String
            let sub = try await client.post("/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "team"}"#).json()
            let (_, otherKey) = try await fx.otherTenant()
            #expect(try await client.send(.get, "/v1/plans/team", key: otherKey).status == .notFound)
            #expect(
                try await client.send(.get, "/v1/subscriptions/\(sub["id"] as! String)", key: otherKey).status
                    == .notFound)
            let invoice =
                try await client.get("/v1/invoices?subscription=\(sub["id"] as! String)", fx).json()["data"]
                as! [[String: Any]]
            #expect(
                try await client.send(.get, "/v1/invoices/\(invoice[0]["id"] as! String)", key: otherKey).status
                    == .notFound)
        }
    }
}
