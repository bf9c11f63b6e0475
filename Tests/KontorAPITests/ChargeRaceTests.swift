import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// An invoice's allocations never exceed its total, whatever runs at once: test-clock advances,
/// automatic charges and money booked by hand.
@Suite struct ChargeRaceTests {
    func customer(_ client: some TestClientProtocol, _ fx: APIFixture, _ name: String) async throws -> String {
        let cus =
            try await client.post(
                "/v1/customers", fx, #"{"name": "\#(name)", "kind": "consumer", "address": {"country": "DE"}}"#
            )
            .json()["id"] as! String
        let pm =
            try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(cus)", "type": "card", "card": {"token": "tok_visa", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2031}}"#
            ).json()["id"] as! String
        _ = try await client.post("/v1/customers/\(cus)/default_payment_method", fx, #"{"payment_method": "\#(pm)"}"#)
        return cus
    }

    /// Rows that break the allocation invariant, checked from the allocation table itself.
    func overAllocated(_ fx: APIFixture) async throws -> Int {
        try await fx.count(
            """
            invoices i WHERE (SELECT coalesce(sum(a.amount), 0) FROM allocations a
                              WHERE a.tenant_id = i.tenant_id AND a.invoice_id = i.invoice_id) > i.total
               OR i.total - i.amount_paid - i.amount_credited - i.amount_written_off < 0
            """)
    }

    @Test func concurrentAdvancesChargesAndPaymentsNeverPayAnInvoiceTwice() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-01-01T09:00:00Z", fx)
            var customers: [String] = []
            for n in 0..<4 {
                let cus = try await customer(client, fx, "Race \(n)")
                customers.append(cus)
                _ = try await client.post(
                    "/v1/subscriptions", fx,
                    #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0, "payment_terms_days": 14}"#)
            }
            // Three advances of one tenant, and a bank transfer per customer, all at once.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for target in ["2027-02-01T10:00:00Z", "2027-03-01T10:00:00Z", "2027-04-01T10:00:00Z"] {
                    group.addTask {
                        let r = try await client.send(
                            .post, "/v1/test_clock/advance", key: fx.apiKey, json: #"{"to": "\#(target)"}"#)
                        // Serialized: a later advance may already have passed an earlier target.
                        #expect(r.status == .ok || r.status == .unprocessableContent)
                    }
                }
                for cus in customers {
                    group.addTask {
                        let r = try await client.post(
                            "/v1/payments", fx,
                            #"{"customer": "\#(cus)", "amount": 2261, "currency": "EUR", "reference": "transfer"}"#)
                        #expect(r.status == .created)
                    }
                }
                try await group.waitForAll()
            }
            try await client.advanceClock(to: "2027-04-02T10:00:00Z", fx)
            #expect(try await overAllocated(fx) == 0)
            // One succeeded charge per invoice at most, and one resolved intent per charge.
            #expect(
                try await fx.count(
                    "(SELECT invoice_id FROM payments WHERE status = 'succeeded' AND invoice_id IS NOT NULL GROUP BY invoice_id HAVING count(*) > 1) d"
                ) == 0)
            #expect(try await fx.count("charge_intents WHERE status = 'pending'") == 0)
            // Every cent is somewhere: open items, customer credit and the ledger agree.
            #expect(try await fx.trialBalance() == ["EUR": 0])
            #expect(try await fx.count("invoices WHERE kind = 'invoice'") == 16)
        }
    }

    @Test func theDatabaseRefusesAnAllocationBeyondTheInvoiceTotal() async throws {
        try await withTestAPI { client, fx in
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            let invoice =
                try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "lines": [{"description": "Setup", "quantity": 1, "unit_amount": 1000}]}"#
                ).json()
            let id = invoice["id"] as! String
            let total = Int64(invoice["total"] as! Int)
            // Even a writer that skips every check cannot pay more than the total.
            await #expect(throws: (any Error).self) {
                try await fx.database.transaction { conn in
                    try await AllocationWriter(logger: fx.database.logger).append(
                        [
                            AllocationDraft(
                                invoiceID: id, customerID: cus, kind: .payment, sourceID: "pay_x", amount: total + 1,
                                currency: "EUR")
                        ], bookingDate: LocalDate("2026-12-01")!, tenantID: fx.tenant.id, now: Date(), on: conn)
                }
            }
            #expect(try await fx.count("allocations") == 0)
        }
    }

    @Test func aChargeIntentKeepsItsIdempotencyKeyWhenItsLeaseExpires() async throws {
        try await withTestAPI { client, fx in
            // No payment method yet: the one-off invoice waits for collection.
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#
                )
                .json()["id"] as! String
            let id =
                try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "charge_automatically", "lines": [{"description": "Setup", "quantity": 1, "unit_amount": 1000}]}"#
                ).json()["id"] as! String
            try await fx.execute("UPDATE invoices SET next_collection_at = now() - interval '1 minute'")
            let repository = CollectionRepository(logger: fx.database.logger)
            let first = try await fx.database.transaction {
                try await repository.lease(now: Date(), tenantID: fx.tenant.id, lease: 300, limit: 10, on: $0)
            }
            #expect(first.map(\.invoiceID) == [id])
            // While the lease holds, no run leases it again, however late its clock.
            try await fx.execute("UPDATE invoices SET next_collection_at = now() - interval '1 minute'")
            let during = try await fx.database.transaction {
                try await repository.lease(
                    now: Date().addingTimeInterval(86_400), tenantID: fx.tenant.id, lease: 300, limit: 10, on: $0)
            }
            #expect(during.isEmpty)
            // The node died between charging and recording: its lease runs out. The next run
            // resumes the same intent — same key, same amount, same attempt — not a new charge.
            try await fx.execute("UPDATE charge_intents SET leased_until = now() - interval '1 second'")
            try await fx.execute("UPDATE invoices SET next_collection_at = now() - interval '1 minute'")
            let again = try await fx.database.transaction {
                try await repository.lease(now: Date(), tenantID: fx.tenant.id, lease: 300, limit: 10, on: $0)
            }
            #expect(again.map(\.intentID) == first.map(\.intentID))
            #expect(again.map(\.attempt) == first.map(\.attempt))
            #expect(again.map(\.amount) == first.map(\.amount))
            #expect(try await fx.count("charge_intents WHERE status = 'pending'") == 1)
        }
    }

    @Test func liveModeNeverChargesThroughTheSandbox() async throws {
        try await withTestAPI { client, fx in
            let (live, key) = try await TenantRepository(database: fx.database).create(name: "Live", livemode: true)
            _ = live
            func post(_ uri: String, _ json: String) async throws -> [String: Any] {
                try await client.send(.post, uri, key: key.secret, json: json).json()
            }
            let cus =
                try await post("/v1/customers", #"{"name": "Ada", "kind": "consumer", "address": {"country": "DE"}}"#)[
                    "id"] as! String
            let pm =
                try await post(
                    "/v1/payment_methods",
                    #"{"customer": "\#(cus)", "type": "card", "card": {"token": "tok_anything", "brand": "visa", "last4": "4242", "exp_month": 12, "exp_year": 2031}}"#
                )["id"] as! String
            _ = try await post("/v1/customers/\(cus)/default_payment_method", #"{"payment_method": "\#(pm)"}"#)
            let invoice = try await post(
                "/v1/invoices",
                #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "charge_automatically", "lines": [{"description": "Setup", "quantity": 1, "unit_amount": 1000}]}"#
            )
            let id = invoice["id"] as! String
            let after = try await client.send(.get, "/v1/invoices/\(id)", key: key.secret).json()
            #expect(after["status"] as? String == "open")
            #expect(after["amount_paid"] as? Int == 0)
            let rows = try await fx.database.client.query(
                "SELECT status, failure_code FROM payments WHERE invoice_id = \(id)", logger: fx.database.logger)
            var outcomes: [String] = []
            for try await (status, code) in rows.decode((String, String?).self) {
                outcomes.append("\(status):\(code ?? "")")
            }
            #expect(outcomes == ["failed:live_gateway_not_configured"])
        }
    }
}
