import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorStore
import KontorTestSupport
import Testing

/// `GET /v1/reports/open_items` streams: many chunks, JSON that any parser reads (names with
/// quotes, backslashes, commas and umlauts escaped), CSV with the same rows, totals reconciled.
@Suite struct OpenItemStreamTests {
    @Test func theStreamedListIsValidJSONAndCSVWithTheSameRowsAndReconciledTotals() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-10T09:00:00Z", fx)
            // 3,000 items (well over one 64 KiB chunk), seeded as the benchmark does, with postings.
            try await fx.database.transaction { conn in
                try await BenchmarkSeeds(logger: fx.database.logger).openItems(
                    customers: 300, items: 3000, issuedFrom: LocalDate("2027-02-01")!,
                    dueFrom: LocalDate("2027-02-15")!, prefix: "s", tenantID: fx.tenant.id,
                    now: Date(timeIntervalSince1970: 1_800_000_000),
                    on: conn)
            }
            let name = #"Müller "Quote", Komma \ Backslash"#
            let body = try JSONSerialization.data(withJSONObject: [
                "name": name, "kind": "business", "currency": "EUR", "address": ["country": "DE"],
            ])
            let cus =
                try await client.send(
                    .post, "/v1/customers", key: fx.apiKey, json: String(decoding: body, as: UTF8.self)
                )
                .json()["id"] as! String
            let made = try await client.post(
                "/v1/invoices", fx,
                #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": 10000}]}"#
            )
            #expect(made.status == .created, "\(made.text)")

            let json = try await client.get("/v1/reports/open_items?as_of=2027-03-10", fx)
            #expect(json.status == .ok && json.headers[.contentType] == "application/json")
            let report = try json.json()
            let items = report["items"] as! [[String: Any]]
            #expect(items.count == 3001)
            #expect(items.first { $0["customer"] as? String == cus }?["customer_name"] as? String == name)
            let totals = report["totals"] as! [[String: Any]]
            #expect(totals.count == 1 && totals[0]["reconciled"] as? Bool == true, "\(totals)")
            #expect(totals[0]["count"] as? Int == 3001)
            #expect(totals[0]["open_total"] as? Int == items.reduce(0) { $0 + ($1["open"] as! Int) })

            let csv = try await client.send(
                .get, "/v1/reports/open_items?as_of=2027-03-10", key: fx.apiKey, headers: [.accept: "text/csv"])
            #expect(csv.status == .ok && csv.headers[.contentType] == "text/csv; charset=utf-8")
            let lines = csv.text.split(separator: "\r\n", omittingEmptySubsequences: false)
            #expect(lines.count == 3001 + 2, "header, rows, and the empty string after the last CRLF")
            #expect(lines.contains { $0.contains(#""Müller ""Quote"", Komma \ Backslash""#) })
            let invoicesInCSV = Set(lines.dropFirst().dropLast().map { $0.split(separator: ",")[1] })
            let same = invoicesInCSV == Set(items.map { Substring($0["invoice"] as! String) })
            #expect(same, "the CSV lists the JSON's invoices")

            let one = try await client.get("/v1/reports/open_items?as_of=2027-03-10&customer=\(cus)", fx).json()
            #expect((one["items"] as! [[String: Any]]).count == 1)
        }
    }
}
