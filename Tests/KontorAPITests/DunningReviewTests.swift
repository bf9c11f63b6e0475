import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// Finance's hand on dunning and the books: a review-mode policy proposes (Mahnvorschlag), a
/// block (Mahnsperre) keeps one item out, release duns the rest; a closed month takes no
/// booking; the tax-audit export is a ZIP an independent reader opens.
@Suite struct DunningReviewTests {
    func customer(_ client: some TestClientProtocol, _ fx: APIFixture, name: String) async throws -> String {
        try await client.post(
            "/v1/customers", fx,
            #"{"name": "\#(name)", "kind": "business", "currency": "EUR", "address": {"country": "DE"}}"#
        ).json()["id"] as! String
    }

    func invoice(_ client: some TestClientProtocol, _ fx: APIFixture, _ cus: String, _ amount: Int) async throws
        -> [String: Any]
    {
        try await client.post(
            "/v1/invoices", fx,
            #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": \#(amount)}]}"#
        ).json()
    }

    @Test func aReviewPolicyProposesABlockedItemStaysOutAndReleaseDunsTheOthers() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let put = try await client.send(
                .put, "/v1/dunning_policies/checked", key: fx.apiKey,
                json:
                    #"{"code": "checked", "name": "Checked", "mode": "review", "levels": [{"name": "Mahnung", "after_days": 3, "fee": 500}]}"#
            )
            #expect(put.status == .ok)
            #expect(try put.json()["mode"] as? String == "review")
            let cus = try await customer(client, fx, name: "Greta GmbH")
            _ = try await client.send(
                .patch, "/v1/customers/\(cus)", key: fx.apiKey, json: #"{"dunning_policy": "checked"}"#)
            let a = try await invoice(client, fx, cus, 10000)
            let b = try await invoice(client, fx, cus, 20000)
            let due = LocalDate(a["due_date"] as! String)!
            try await client.advanceClock(to: "\(due.adding(days: 5))T08:00:00Z", fx)
            // Review mode: nothing sent, no fee item, the case does not move; one proposal with both items.
            #expect(try await fx.count("dunning_notices") == 0)
            let proposals =
                try await client.get("/v1/dunning_proposals?status=proposed", fx).json()["data"] as! [[String: Any]]
            #expect(proposals.count == 1)
            let p = proposals[0]
            #expect(p["customer"] as? String == cus && p["level_name"] as? String == "Mahnung")
            #expect(p["items_total"] as? Int == 35700 && p["fee"] as? Int == 500)
            let itemsBefore = try await fx.count("invoices")
            // Bad blocks are refused naming the field, and nothing is written.
            for (body, field) in [
                (#"{"customer": "\#(cus)", "reason": "Klärung", "until": "2027-01-01"}"#, "until"),
                (#"{"customer": "\#(cus)", "reason": "", "until": "\#(due.adding(days: 30))"}"#, "reason"),
                (#"{"customer": "cus_nobody", "reason": "x", "until": "\#(due.adding(days: 30))"}"#, "customer"),
                (
                    #"{"customer": "\#(cus)", "invoice": "inv_other", "reason": "x", "until": "\#(due.adding(days: 30))"}"#,
                    "invoice"
                ),
                (#"{"customer": "\#(cus)", "reason": "x", "until": "soon"}"#, "until"),
            ] {
                let r = try await client.post("/v1/dunning_blocks", fx, body)
                #expect(r.status == .unprocessableContent, "\(body)")
                #expect(try r.errorFields() == [field], "\(body)")
            }
            #expect(try await fx.count("dunning_blocks") == 0)
            let block = try await client.post(
                "/v1/dunning_blocks", fx,
                #"{"customer": "\#(cus)", "invoice": "\#(a["id"] as! String)", "reason": "Lieferung strittig", "until": "\#(due.adding(days: 60))"}"#
            )
            #expect(block.status == .created)
            #expect(try block.json()["active"] as? Bool == true)
            let released = try await client.post(
                "/v1/dunning_proposals/release", fx, #"{"proposals": ["\#(p["id"] as! String)"]}"#)
            #expect(released.status == .ok)
            let closed = try released.json()["data"] as! [[String: Any]]
            #expect(closed.count == 1 && closed[0]["status"] as? String == "released" && closed[0]["notice"] is String)
            // Only B was dunned, with the fee as one new item.
            let notices = try await client.get("/v1/customers/\(cus)/dunning", fx).json()["notices"] as! [[String: Any]]
            #expect(notices.count == 1)
            #expect(
                (notices[0]["items"] as! [[String: Any]]).filter { $0["overdue"] as? Bool == true }.map {
                    $0["number"] as! String
                } == [b["number"] as! String])
            #expect(notices[0]["items_total"] as? Int == 23800)
            #expect(try await fx.count("invoices") == itemsBefore + 1)
            // The release is in the audit trail as the key's act; releasing it again finds nothing open.
            let trail =
                try await client.get("/v1/audit_log?object=\(p["id"] as! String)", fx).json()["data"]
                as! [[String: Any]]
            #expect(trail.contains { $0["action"] as? String == "dunning_proposal.released" })
            let again = try await client.post(
                "/v1/dunning_proposals/release", fx, #"{"proposals": ["\#(p["id"] as! String)"]}"#)
            #expect(again.status == .notFound)
            let lifted = try await client.post("/v1/dunning_blocks/\(try block.json()["id"] as! String)/lift", fx, "{}")
            #expect(try lifted.json()["active"] as? Bool == false)
        }
    }

    @Test func aClosedMonthTakesNoBookingAndTheAuditExportOpensElsewhere() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-10T09:00:00Z", fx)
            let cus = try await customer(client, fx, name: "Hans KG")
            let inv = try await invoice(client, fx, cus, 10000)
            try await client.advanceClock(to: "2027-04-02T09:00:00Z", fx)
            for (period, ok) in [("2027-04", false), ("2027-13", false), ("2027-03", true), ("2027-03", false)] {
                let r = try await client.post("/v1/periods/\(period)/close", fx, "{}")
                #expect(r.status == (ok ? .created : .unprocessableContent), "\(period)")
                if !ok { #expect(try r.errorFields() == ["period"]) }
                if ok {
                    #expect(try r.json()["closed_through"] as? String == "2027-03-31")
                    #expect(try r.json()["entries"] as? Int ?? 0 >= 1)
                }
            }
            #expect(try await fx.count("period_closes") == 1)
            // A booking dated in March is booked on April 1; one not moved is refused by the database.
            try await fx.database.transaction { conn in
                try await LedgerWriter(logger: fx.database.logger).append(
                    [
                        LedgerBooking(
                            documentType: "payment", documentID: "pay_late", documentNumber: nil, customerID: cus,
                            currency: "EUR", bookingDate: LocalDate("2027-03-20")!,
                            postings: [.init(account: .bank, amount: 100), .init(account: .receivable, amount: -100)])
                    ], tenantID: fx.tenant.id, now: Date(), on: conn)
            }
            let rows = try await fx.database.client.query(
                "SELECT DISTINCT booking_date FROM ledger_entries WHERE document_id = 'pay_late'",
                logger: fx.database.logger)
            var dates: [LocalDate] = []
            for try await d in rows.decode(LocalDate.self) { dates.append(d) }
            #expect(dates == [LocalDate("2027-04-01")!])
            await #expect(throws: (any Error).self) {
                _ = try await fx.database.client.query(
                    PostgresQuery(
                        unsafeSQL: """
                            INSERT INTO ledger_entries (tenant_id, document_type, document_id, account, amount, currency,
                                booking_date, posted_at)
                            VALUES ('\(fx.tenant.id)', 'x', 'x', 'bank', 0, 'EUR', '2027-03-31', now())
                            """), logger: fx.database.logger)
            }
            // The March report is what it was at the close.
            let march = try await client.get("/v1/reports/open_items?as_of=2027-03-31", fx).json()
            #expect((march["totals"] as! [[String: Any]]).first?["open_total"] as? Int == inv["total"] as? Int)
            // A prorated line has no unit amount (as the billing cycle writes one); its row must
            // still be exported, with an empty unit price, not dropped or answered with a 500.
            _ = try await fx.database.client.query(
                PostgresQuery(
                    unsafeSQL: """
                        INSERT INTO invoice_lines (tenant_id, invoice_id, line_no, description, quantity, unit_amount,
                            amount, tax_rate, tax_amount)
                        VALUES ('\(fx.tenant.id)', '\(inv["id"] as! String)', 99, 'Prorated', 1000, NULL, 0, 1900, 0)
                        """), logger: fx.database.logger)
            // The tax-audit export: a ZIP whose index.xml names every CSV in it, read by Python.
            let zip = try await client.get("/v1/exports/gobd?from=2027-03-01&to=2027-03-31", fx)
            #expect(zip.status == .ok && zip.headers[.contentType] == "application/zip")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("gobd-\(UUID().uuidString).zip")
            try Data(zip.body.readableBytesView).write(to: file)
            defer { try? FileManager.default.removeItem(at: file) }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            p.arguments = [
                "-c",
                """
                import sys, zipfile, xml.etree.ElementTree as ET
                z = zipfile.ZipFile(sys.argv[1]); assert z.testzip() is None
                idx = ET.fromstring(z.read('index.xml').split(b'\\n', 2)[2])
                urls = [t.findtext('URL') for t in idx.iter('Table')]
                assert sorted(urls) == sorted(n for n in z.namelist() if n != 'index.xml'), urls
                for t in idx.iter('Table'):
                    cols = [c.findtext('Name') for c in t.find('VariableLength') if c.tag in ('VariablePrimaryKey', 'VariableColumn')]
                    head = z.read(t.findtext('URL')).decode().split('\\r\\n')[0].split(';')
                    assert head == cols, (t.findtext('URL'), head, cols)
                lines = z.read('rechnungspositionen.csv').decode().split('\\r\\n')
                assert any(l.split(';')[1:5] == ['99', '"Prorated"', '1,00', ''] for l in lines), lines
                print(z.read('rechnungen.csv').decode().split('\\r\\n')[1])
                """,
                file.path,
            ]
            let out = Pipe()
            p.standardOutput = out
            try p.run()
            let line = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(line.contains("\"\(inv["number"] as! String)\"") && line.contains("119,00"))
        }
    }
}
