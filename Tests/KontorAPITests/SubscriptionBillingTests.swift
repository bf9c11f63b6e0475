import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

@Suite struct SubscriptionBillingTests {
    static let domestic =
        #"{"name": "Ada GmbH", "kind": "business", "address": {"line1": "Hauptstr. 1", "postal_code": "10115", "city": "Berlin", "country": "DE"}, "currency": "EUR"}"#

    @Test func creatingASubscriptionIssuesTheFirstInvoiceAtOnceWithEverySection14Field() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let customer = try await client.post("/v1/customers", fx, Self.domestic).json()["id"] as! String
            let created = try await client.post(
                "/v1/subscriptions", fx, #"{"customer": "\#(customer)", "plan": "team", "quantity": 3}"#
            )
            #expect(created.status == .created)
            let sub = try created.json()
            #expect(sub["status"] as? String == "active")
            #expect(sub["plan_version"] as? Int == 1)
            #expect(sub["current_period_start"] as? String == sub["start_date"] as? String)

            let list = try await client.get("/v1/invoices?subscription=\(sub["id"] as! String)", fx).json()
            let invoices = list["data"] as! [[String: Any]]
            #expect(invoices.count == 1)
            let invoice = invoices[0]
            let year = (sub["start_date"] as! String).prefix(4)
            #expect(invoice["number"] as? String == "\(year)-000001")
            #expect(invoice["billing_reason"] as? String == "subscription_cycle")
            let lines = invoice["lines"] as! [[String: Any]]
            #expect(lines.map { $0["amount"] as? Int } == [19900, 4900, 2700])
            #expect(lines.map { $0["tax_amount"] as? Int } == [3781, 931, 513])
            #expect(lines[2]["quantity"] as? Int == 3 && lines[2]["unit_amount"] as? Int == 900)
            #expect(lines.allSatisfy { $0["tax_rate"] as? String == "19" })
            #expect(lines[1]["period_start"] as? String == sub["current_period_start"] as? String)
            #expect(lines[1]["period_end"] as? String == sub["current_period_end"] as? String)
            #expect(invoice["subtotal"] as? Int == 27500)
            #expect(invoice["tax"] as? Int == 5225)
            #expect(invoice["total"] as? Int == 32725)
            #expect(invoice["amount_due"] as? Int == 32725)
            // §14 Abs. 4 UStG: seller and buyer name and address, seller VAT ID, dates, number,
            // service period, net per rate, rate and tax.
            let seller = invoice["seller"] as! [String: Any]
            #expect(seller["name"] as? String == "Test GmbH")
            #expect((seller["address"] as? String)?.contains("10115 Berlin") == true)
            #expect(seller["vat_id"] as? String == "DE136695976")
            let buyer = invoice["buyer"] as! [String: Any]
            #expect(buyer["name"] as? String == "Ada GmbH")
            #expect((buyer["address"] as? String)?.contains("Hauptstr. 1") == true)
            #expect(invoice["issue_date"] as? String == sub["start_date"] as? String)
            #expect(invoice["period_start"] as? String != nil)
            let breakdown = invoice["tax_breakdown"] as! [[String: Any]]
            #expect(breakdown.count == 1)
            #expect(breakdown[0]["net"] as? Int == 27500 && breakdown[0]["tax"] as? Int == 5225)
            #expect(breakdown[0]["tax_rate"] as? String == "19")
            // due date = issue date + the tenant's 14 days of payment terms
            let issue = LocalDate(invoice["issue_date"] as! String)!
            #expect(LocalDate(invoice["due_date"] as! String) == issue.adding(days: 14))

            #expect(try await fx.eventTypes() == ["customer.created", "subscription.created", "invoice.finalized"])
            #expect(try await fx.trialBalance() == ["EUR": 0])
            #expect(try await fx.count("ledger_entries") == 3)
        }
    }

    @Test func reverseChargeInvoiceHasNoVATBothVATIDsAndTheNote() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let customer =
                try await client.post(
                    "/v1/customers", fx,
                    #"{"name": "Wiener AG", "kind": "business", "tax_id": "ATU13585627", "address": {"line1": "Ring 1", "postal_code": "1010", "city": "Wien", "country": "AT"}}"#
                ).json()["id"] as! String
            let sub = try await client.post(
                "/v1/subscriptions", fx, #"{"customer": "\#(customer)", "plan": "starter", "trial_days": 0}"#
            ).json()
            let invoice =
                (try await client.get("/v1/invoices?subscription=\(sub["id"] as! String)", fx).json()["data"]
                as! [[String: Any]])[0]
            #expect(invoice["tax"] as? Int == 0)
            #expect(invoice["total"] as? Int == 1900)
            #expect(invoice["tax_treatment"] as? String == "reverse_charge")
            #expect(invoice["tax_note"] as? String == "Steuerschuldnerschaft des Leistungsempfängers / Reverse charge")
            #expect((invoice["seller"] as! [String: Any])["vat_id"] as? String == "DE136695976")
            #expect((invoice["buyer"] as! [String: Any])["vat_id"] as? String == "ATU13585627")
            #expect((invoice["lines"] as! [[String: Any]])[0]["tax_rate"] as? String == "0")
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }

    @Test func euConsumerIsTaxedAtTheirCountrysRate() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let customer =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "Jean", "kind": "consumer", "address": {"country": "FR"}}"#
                ).json()["id"] as! String
            let sub = try await client.post(
                "/v1/subscriptions", fx, #"{"customer": "\#(customer)", "plan": "starter", "trial_days": 0}"#
            ).json()
            let invoice =
                (try await client.get("/v1/invoices?subscription=\(sub["id"] as! String)", fx).json()["data"]
                as! [[String: Any]])[0]
            #expect(invoice["tax"] as? Int == 380)
            #expect((invoice["lines"] as! [[String: Any]])[0]["tax_rate"] as? String == "20")
        }
    }

    @Test func issuedInvoicesCannotBeChangedOrDeletedOnlyTheirPaymentState() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let customer = try await client.post("/v1/customers", fx, Self.domestic).json()["id"] as! String
            _ = try await client.post("/v1/subscriptions", fx, #"{"customer": "\#(customer)", "plan": "team"}"#)
            for sql in [
                "UPDATE invoices SET total = total + 1",
                "UPDATE invoices SET buyer_name = 'Someone else'",
                "UPDATE invoices SET number = '2099-999999'",
                "DELETE FROM invoices",
                "UPDATE invoice_lines SET amount = 1",
                "DELETE FROM invoice_lines",
                "UPDATE ledger_entries SET amount = 0",
                "DELETE FROM ledger_entries",
            ] {
                await #expect(throws: (any Error).self, "\(sql) must fail") { try await fx.execute(sql) }
            }
            try await fx.execute("UPDATE invoices SET status = 'paid', amount_paid = total")
            #expect(try await fx.count("invoices WHERE status = 'paid'") == 1)
        }
    }

    @Test func creditNotesHaveTheirOwnSeriesAndCannotExceedTheInvoice() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            let customer = try await client.post("/v1/customers", fx, Self.domestic).json()["id"] as! String
            let invoice = try await client.post(
                "/v1/invoices", fx,
                #"{"customer": "\#(customer)", "lines": [{"description": "Consulting", "quantity": 2, "unit_amount": 10000}]}"#
            )
            #expect(invoice.status == .created)
            let inv = try invoice.json()
            #expect(inv["total"] as? Int == 23800)
            #expect(inv["billing_reason"] as? String == "manual")
            let id = inv["id"] as! String
            let partial = try await client.post(
                "/v1/invoices/\(id)/credit_notes", fx,
                #"{"reason": "order_change", "lines": [{"description": "Half a day less", "amount": 5000}]}"#
            )
            #expect(partial.status == .created)
            let note = try partial.json()
            #expect((note["number"] as? String)?.hasPrefix("CN-") == true)
            #expect((note["number"] as? String)?.hasSuffix("-000001") == true)
            #expect(note["total"] as? Int == 5950)
            let tooMuch = try await client.post(
                "/v1/invoices/\(id)/credit_notes", fx, #"{"lines": [{"description": "All", "amount": 20000}]}"#
            )
            #expect(tooMuch.status == .unprocessableContent)
            #expect(try tooMuch.errorFields() == ["lines"])
            let after = try await client.get("/v1/invoices/\(id)", fx).json()
            #expect(after["amount_credited"] as? Int == 5950)
            #expect(after["amount_due"] as? Int == 23800 - 5950)
            #expect(try await fx.count("credit_notes") == 1)
            #expect(try await fx.trialBalance() == ["EUR": 0])
            #expect(try await fx.eventTypes().suffix(2) == ["invoice.finalized", "credit_note.created"])

            // A full credit note (no lines) reverses every line of an uncredited invoice.
            let second = try await client.post(
                "/v1/invoices", fx,
                #"{"customer": "\#(customer)", "lines": [{"description": "Setup", "unit_amount": 4900}]}"#
            ).json()
            let full = try await client.post(
                "/v1/invoices/\(second["id"] as! String)/credit_notes", fx, #"{"reason": "duplicate"}"#)
            #expect(full.status == .created)
            #expect(try full.json()["total"] as? Int == 5831)
            #expect((try full.json()["number"] as? String)?.hasSuffix("-000002") == true)
            let credited = try await client.get("/v1/invoices/\(second["id"] as! String)", fx).json()
            #expect(credited["amount_due"] as? Int == 0)
            #expect(credited["status"] as? String == "paid")
            let again = try await client.post("/v1/invoices/\(second["id"] as! String)/credit_notes", fx, "{}")
            #expect(again.status == .unprocessableContent)
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }
}
