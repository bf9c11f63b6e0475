import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// A camt.053 statement with credit and return-debit entries.
func camt053(id: String, entries: [String]) -> String {
    """
    <?xml version="1.0" encoding="UTF-8"?>
    <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08">
      <BkToCstmrStmt>
        <GrpHdr><MsgId>\(id)</MsgId><CreDtTm>2027-01-01T00:00:00</CreDtTm></GrpHdr>
        <Stmt><Id>\(id)-1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
        \(entries.joined(separator: "\n"))
        </Stmt>
      </BkToCstmrStmt>
    </Document>
    """
}

func creditEntry(ref: String, amount: Int64, date: String, text: String, iban: String? = nil, name: String? = nil)
    -> String
{
    """
    <Ntry><NtryRef>\(ref)</NtryRef><Amt Ccy="EUR">\(amount / 100).\(String(format: "%02d", amount % 100))</Amt>
      <CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>\(date)</Dt></BookgDt><ValDt><Dt>\(date)</Dt></ValDt>
      <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>RCDT</Cd><SubFmlyCd>ESCT</SubFmlyCd></Fmly></Domn></BkTxCd>
      <NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
        <RltdPties>\(name.map { "<Dbtr><Nm>\($0)</Nm></Dbtr>" } ?? "")\(iban.map { "<DbtrAcct><Id><IBAN>\($0)</IBAN></Id></DbtrAcct>" } ?? "")</RltdPties>
        <RmtInf><Ustrd>\(text)</Ustrd></RmtInf></TxDtls></NtryDtls>
    </Ntry>
    """
}

@Suite struct ReceivablesScenarioTests {
    func instant(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    func customer(_ client: some TestClientProtocol, _ fx: APIFixture, name: String, kind: String = "business")
        async throws -> String
    {
        try await client.post(
            "/v1/customers", fx,
            #"{"name": "\#(name)", "kind": "\#(kind)", "currency": "EUR", "address": {"country": "DE"}}"#
        ).json()["id"] as! String
    }

    func scalar<T: PostgresDecodable & Sendable>(_ fx: APIFixture, _ sql: String, as: T.Type) async throws -> T? {
        let rows = try await fx.database.client.query(PostgresQuery(unsafeSQL: sql), logger: fx.database.logger)
        for try await v in rows.decode(T.self) { return v }
        return nil
    }

    /// Open items as of `day` must reconcile with the receivable account.
    func expectReconciled(_ client: some TestClientProtocol, _ fx: APIFixture, asOf day: String) async throws
        -> [String: Any]
    {
        let report = try await client.get("/v1/reports/open_items?as_of=\(day)", fx).json()
        let totals = report["totals"] as? [[String: Any]] ?? []
        for t in totals {
            #expect(t["reconciled"] as? Bool == true, "\(day): \(t)")
            #expect(t["open_total"] as? Int == t["receivable_balance"] as? Int)
        }
        return report
    }

    /// (a) Card fails, is retried, dunning climbs to restriction and suspension; a bank transfer
    /// in a camt.053 pays everything, dunning stops and service is restored. (c) Every month
    /// end's open-item list reconciles to the ledger, and a past report does not change.
    @Test func cardFailsDunningEscalatesTransferArrivesServiceIsRestored() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus = try await customer(client, fx, name: "Acme GmbH")
            _ = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(cus)", "type": "card", "card": {"token": "tok_insufficient_funds", "brand": "visa", "last4": "0002", "exp_month": 12, "exp_year": 2031}}"#
            )
            let sub =
                try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#
                ).json()["id"] as! String
            let first = try await client.get("/v1/invoices?customer=\(cus)", fx).json()["data"] as! [[String: Any]]
            let due = LocalDate(first[0]["due_date"] as! String)!
            #expect(due == LocalDate("2027-03-15"))

            // Month ends reconcile while dunning runs.
            try await client.advanceClock(to: "2027-03-31T22:30:00Z", fx)
            _ = try await expectReconciled(client, fx, asOf: "2027-03-31")
            try await client.advanceClock(to: "2027-04-30T22:30:00Z", fx)
            let april = try await expectReconciled(client, fx, asOf: "2027-04-30")

            // Four card attempts failed; reminder (03-22), 1st Mahnung (04-05) with fee, interest
            // and the B2B flat fee, 2nd Mahnung (04-19) restricts. Final notice on 05-03 suspends.
            #expect(try await fx.count("payments WHERE status = 'failed'") >= 5)
            var dunning = try await client.get("/v1/customers/\(cus)/dunning", fx).json()
            var notices = dunning["notices"] as! [[String: Any]]
            #expect(notices.map { $0["level"] as! Int } == [1, 2, 3])
            #expect(notices.map { $0["notice_date"] as! String } == ["2027-03-22", "2027-04-05", "2027-04-19"])
            #expect(notices[1]["fee"] as? Int == 500)
            #expect(notices[1]["flat_fee"] as? Int == 4000)
            #expect((notices[1]["interest"] as? Int ?? 0) > 0)
            #expect((notices[1]["body"] as? String ?? "").contains(first[0]["number"] as! String))
            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "restricted")
            try await client.advanceClock(to: "2027-05-03T08:00:00Z", fx)
            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "suspended")
            dunning = try await client.get("/v1/customers/\(cus)/dunning", fx).json()
            notices = dunning["notices"] as! [[String: Any]]
            #expect(notices.count == 4)
            let notice = try await client.get("/v1/dunning_notices/\(notices[3]["id"] as! String)", fx).json()
            #expect(notice["level_name"] as? String == "Letzte Mahnung")

            // The customer pays everything by bank transfer, naming the invoices.
            let open = try await client.get("/v1/reports/open_items?customer=\(cus)", fx).json()
            let items = open["items"] as! [[String: Any]]
            let total = items.reduce(0) { $0 + ($1["open"] as! Int) }
            let text = items.map { $0["number"] as! String }.joined(separator: " ")
            let xml = camt053(
                id: "STMT-1", entries: [creditEntry(ref: "E-1", amount: Int64(total), date: "2027-05-03", text: text)])
            let imported = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml)
            #expect(imported.status == .created)
            #expect(try imported.json()["matched"] as? Int == 1)
            // Importing it again books nothing.
            let again = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml).json()
            #expect(again["duplicates"] as? Int == 1 && again["matched"] as? Int == 0)

            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "active")
            #expect(try await fx.eventTypes().contains("subscription.reactivated"))
            #expect(try await fx.count("invoices WHERE status = 'open'") == 0)
            dunning = try await client.get("/v1/customers/\(cus)/dunning", fx).json()
            #expect(dunning["level"] as? Int == 0 && dunning["case_number"] as? Int == 2)
            // Escalation has stopped: nothing new in the next weeks.
            try await client.advanceClock(to: "2027-05-20T08:00:00Z", fx)
            #expect(try await fx.count("dunning_notices") == 4)

            // A report as of a past day does not change when later payments arrive.
            let aprilAgain = try await expectReconciled(client, fx, asOf: "2027-04-30")
            #expect((aprilAgain["items"] as! [[String: Any]]).count == (april["items"] as! [[String: Any]]).count)
            #expect(
                (aprilAgain["totals"] as! [[String: Any]]).first?["open_total"] as? Int
                    == (april["totals"] as! [[String: Any]]).first?["open_total"] as? Int)
            try await client.advanceClock(to: "2027-05-31T22:30:00Z", fx)
            _ = try await expectReconciled(client, fx, asOf: "2027-05-31")
            #expect(try await fx.trialBalance() == ["EUR": 0])

            let csv = try await client.send(
                .get, "/v1/reports/aging?as_of=2027-04-30", key: fx.apiKey, headers: [.accept: "text/csv"])
            #expect(csv.text.hasPrefix("as_of,customer,customer_name,currency,current,1_30,31_60,61_90,over_90,total"))
            let datev = try await client.get("/v1/exports/datev?from=2027-03-01&to=2027-05-31", fx).text
            #expect(datev.hasPrefix(#""EXTF";700;21;"Buchungsstapel";13;"#))
            #expect(datev.contains(first[0]["number"] as! String))
        }
    }

    /// (b) A SEPA debit comes back (MD06): the item reopens with the bank's fee charged on, the
    /// customer is dunned again, handed over, and finally written off.
    @Test func returnedDebitIsRedunnedHandedOverAndWrittenOff() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            _ = try await fx.database.client.query(
                "UPDATE tenants SET return_fee = 350 WHERE tenant_id = \(fx.tenant.id)", logger: fx.database.logger)
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let put = try await client.send(
                .put, "/v1/dunning_policies/fast", key: fx.apiKey,
                json:
                    #"{"code": "fast", "name": "Fast", "levels": [{"name": "Erinnerung", "after_days": 1}, {"name": "Letzte Mahnung", "after_days": 5, "fee": 250, "actions": ["notify", "suspend"]}, {"name": "Inkasso", "after_days": 10, "actions": ["notify", "hand_over"]}]}"#
            )
            #expect(put.status == .ok)
            let cus = try await customer(client, fx, name: "Bob", kind: "consumer")
            _ = try await client.send(
                .patch, "/v1/customers/\(cus)", key: fx.apiKey, json: #"{"dunning_policy": "fast"}"#)
            _ = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "M-1-RETURN-MD06", "mandate_date": "2027-02-01"}}"#
            )
            let sub =
                try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#
                ).json()["id"] as! String
            #expect(try await fx.count("invoices WHERE status = 'paid'") == 1)
            // Returned on 03-04 with the bank's fee; due 03-15; dunned from 03-16.
            try await client.advanceClock(to: "2027-03-05T08:00:00Z", fx)
            let payments = try await client.get("/v1/payments?customer=\(cus)", fx).json()["data"] as! [[String: Any]]
            #expect(payments[0]["status"] as? String == "returned")
            #expect(payments[0]["reason_code"] as? String == "MD06")
            #expect(payments[0]["return_fee"] as? Int == 350)
            #expect(try await fx.eventTypes().contains("payment.returned"))
            #expect(try await fx.count("invoices WHERE status = 'open'") == 2)
            try await client.advanceClock(to: "2027-03-27T08:00:00Z", fx)
            let notices =
                try await client.get("/v1/customers/\(cus)/dunning", fx).json()["notices"] as! [[String: Any]]
            // Case 1 dunned the return fee to the hand-over; the invoice itself fell due (03-15)
            // after that last level, so it went through the policy again in case 2.
            #expect(notices.map { $0["level"] as! Int } == [1, 2, 3, 1, 2, 3])
            #expect(notices[2]["actions"] as? [String] == ["notify", "hand_over"])
            #expect(notices[5]["actions"] as? [String] == ["notify", "hand_over"])
            // The first notice demands the return fee and lists the reopened invoice, not yet due.
            let firstItems = notices[0]["items"] as! [[String: Any]]
            #expect(firstItems.map { $0["overdue"] as? Bool } == [true, false])
            // The return fee is a fee item, numbered in its own series (not an invoice, § 14 UStG).
            #expect(firstItems.map { $0["number"] as? String } == ["GB-2027-000001", "2027-000001"])
            #expect(notices[0]["items_total"] as? Int == 350)
            #expect((notices[0]["body"] as? String)?.contains("not yet due") == true)
            #expect(try await client.get("/v1/customers/\(cus)/dunning", fx).json()["case_number"] as? Int == 2)
            // Return fee, two dunning fees, the subscription invoice: all with the agency.
            let handed = try await fx.count("invoices WHERE handed_over_at IS NOT NULL")
            #expect(handed == 4)
            #expect(try await fx.count("invoices WHERE status = 'open' AND handed_over_at IS NULL") == 0)
            #expect(try await fx.eventTypes().contains("invoice.handed_over"))
            // The agency's file: one row per handed-over item, the debtor's kind and the dunning before it.
            let file = try await client.send(
                .get, "/v1/exports/collection?customer=\(cus)", key: fx.apiKey, headers: [.accept: "text/csv"])
            #expect(file.status == .ok)
            #expect(!file.text.contains("\""))
            let table = file.text.split(separator: "\r\n").map {
                $0.split(separator: ",", omittingEmptySubsequences: false)
            }
            let header = table[0].map(String.init)
            #expect(header.prefix(5) == ["handed_over_on", "invoice", "number", "billing_reason", "status"])
            let rows = table.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.map(String.init))) }
            #expect(rows.count == handed)
            for row in rows {
                #expect(row["customer"] == cus && row["customer_kind"] == "consumer" && row["status"] == "open")
                #expect(Int(row["open"] ?? "") ?? 0 > 0)
                #expect(row["last_level"] == "Inkasso" && (Int(row["notices"] ?? "") ?? 0) >= 1)
                #expect(row["handed_over_on"] == row["last_notice_on"])
                #expect(row["in_default_since"] != "")
            }
            #expect(Set(rows.map { $0["billing_reason"]! }) == ["subscription_cycle", "return_fee", "dunning_fee"])
            #expect(rows.first { $0["billing_reason"] == "subscription_cycle" }?["notices"] == "3")
            let early = try await client.get("/v1/exports/collection?to=2027-03-01", fx).json()
            #expect((early["items"] as? [Any])?.isEmpty == true)
            let backwards = try await client.get("/v1/exports/collection?from=2027-03-02&to=2027-03-01", fx)
            #expect(backwards.status == .unprocessableContent)
            #expect(try backwards.errorFields() == ["to"])
            // The agency gives up: write the items off (bad debt, VAT corrected).
            let open =
                try await client.get("/v1/reports/open_items?customer=\(cus)", fx).json()["items"]
                as! [[String: Any]]
            for item in open {
                let w = try await client.post("/v1/invoices/\(item["invoice"] as! String)/write_off", fx, "{}")
                #expect(w.status == .ok)
                #expect(try w.json()["status"] as? String == "written_off")
            }
            #expect(try await fx.eventTypes().contains("invoice.written_off"))
            // Written-off items stay in the agency's file, closed.
            let closed = try await client.get("/v1/exports/collection?customer=\(cus)", fx).json()
            let closedItems = closed["items"] as! [[String: Any]]
            #expect(closedItems.count == handed)
            #expect(closedItems.allSatisfy { $0["status"] as? String == "written_off" && $0["open"] as? Int == 0 })
            #expect((closed["open_totals"] as? [String: Any])?.isEmpty == true)
            let vat = try await scalar(
                fx,
                "SELECT sum(amount)::bigint FROM ledger_entries WHERE document_type = 'write_off' AND account = 'vat_payable'",
                as: Int64.self)
            #expect((vat ?? 0) > 0)
            #expect(try await fx.trialBalance() == ["EUR": 0])
            _ = try await expectReconciled(client, fx, asOf: "2027-03-27")
            // Settled by writing off, not by paying: the case closes, service stays suspended.
            try await client.advanceClock(to: "2027-03-29T08:00:00Z", fx)
            #expect(try await client.get("/v1/customers/\(cus)/dunning", fx).json()["level"] as? Int == 0)
            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "suspended")
            #expect(try await !fx.eventTypes().contains("subscription.reactivated"))
            // Writing off a written-off item is refused, naming the field.
            let again = try await client.post("/v1/invoices/\(open[0]["invoice"] as! String)/write_off", fx, "{}")
            #expect(again.status == .unprocessableContent)
            #expect(try again.errorFields() == ["invoice"])
        }
    }

    @Test func paymentsAllocateOldestFirstPartlyAndSurplusPaysTheNextInvoice() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus = try await customer(client, fx, name: "Cleo")
            var ids: [String] = []
            for amount in [10000, 5000] {
                let inv = try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": \#(amount)}]}"#
                ).json()
                ids.append(inv["id"] as! String)
            }
            // 119.00 + 59.50 open. A lump sum of 150.00 pays the first and part of the second.
            let pay = try await client.post(
                "/v1/payments", fx, #"{"customer": "\#(cus)", "amount": 15000, "currency": "EUR", "reference": "lump"}"#
            )
            #expect(pay.status == .created)
            let allocations = try pay.json()["allocations"] as! [[String: Any]]
            #expect(allocations.map { $0["amount"] as! Int } == [11900, 3100])
            #expect(try await client.get("/v1/invoices/\(ids[1])", fx).json()["amount_due"] as? Int == 2850)
            // 50.00 more: 28.50 settles, 21.50 becomes credit and pays the next invoice.
            let more = try await client.post(
                "/v1/payments", fx, #"{"customer": "\#(cus)", "amount": 5000, "currency": "EUR"}"#
            ).json()
            #expect(more["unallocated"] as? Int == 2150)
            #expect(try await client.get("/v1/customers/\(cus)", fx).json()["balance"] as? Int == 2150)
            let next = try await client.post(
                "/v1/invoices", fx,
                #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "More", "unit_amount": 10000}]}"#
            ).json()
            let stored = try await client.get("/v1/invoices/\(next["id"] as! String)", fx).json()
            #expect(stored["amount_paid"] as? Int == 2150)
            #expect(stored["amount_due"] as? Int == 11900 - 2150)
            #expect(try await client.get("/v1/customers/\(cus)", fx).json()["balance"] as? Int == 0)
            #expect(try await fx.trialBalance() == ["EUR": 0])
            _ = try await expectReconciled(client, fx, asOf: "2027-03-01")
        }
    }

    @Test func badReceivablesInputIsRefusedNamingTheFieldAndWritesNothing() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus = try await customer(client, fx, name: "Dora")
            let inv =
                try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": 10000}]}"#
                ).json()["id"] as! String
            let before = try await fx.count("payments") + fx.count("allocations") + fx.count("ledger_entries")
            let cases: [(String, String, [String])] = [
                (
                    "/v1/payments",
                    #"{"customer": "\#(cus)", "amount": 20000, "currency": "EUR", "allocations": [{"invoice": "\#(inv)", "amount": 12000}]}"#,
                    ["allocations[0].amount"]
                ),
                ("/v1/payments", #"{"customer": "\#(cus)", "amount": 100, "currency": "USD"}"#, ["currency"]),
                ("/v1/payments", #"{"customer": "\#(cus)", "amount": -5, "currency": "EUR"}"#, ["amount"]),
                ("/v1/payments", #"{"customer": "cus_nope", "amount": 5, "currency": "EUR"}"#, ["customer"]),
            ]
            for (path, body, fields) in cases {
                let r = try await client.post(path, fx, body)
                #expect(r.status == .unprocessableContent, "\(body)")
                #expect(try r.errorFields() == fields, "\(body)")
            }
            let malformed = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: "<Document><oops")
            #expect(malformed.status == .unprocessableContent)
            #expect(try malformed.errorFields() == ["body"])
            let unknown = try await client.post("/v1/payments/pay_unknown123/return", fx, #"{"reason_code": "MD06"}"#)
            #expect(unknown.status == .notFound)
            let badCode = try await client.post("/v1/payments/pay_unknown123/return", fx, #"{"reason_code": "nope"}"#)
            #expect(try badCode.errorFields() == ["reason_code"])
            #expect(try await fx.count("payments") + fx.count("allocations") + fx.count("ledger_entries") == before)
            #expect(try await fx.count("bank_transactions") == 0)
            // Paid, then written off: refused.
            _ = try await client.post(
                "/v1/payments", fx, #"{"customer": "\#(cus)", "amount": 11900, "currency": "EUR"}"#)
            let w = try await client.post("/v1/invoices/\(inv)/write_off", fx, "{}")
            #expect(w.status == .unprocessableContent)
            #expect(try w.errorFields() == ["invoice"])
            let policy = try await client.send(
                .put, "/v1/dunning_policies/x", key: fx.apiKey,
                json:
                    #"{"code": "x", "levels": [{"name": "A", "after_days": 10}, {"name": "B", "after_days": 5, "actions": ["shout"]}]}"#
            )
            #expect(policy.status == .unprocessableContent)
            #expect(Set(try policy.errorFields()) == ["levels[1].after_days", "levels[1].actions[0]"])
        }
    }

    @Test func camtCreditsMatchByIBANAndAmountOrStayUnmatchedForManualAllocation() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let cus = try await customer(client, fx, name: "Eve")
            _ = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "M-9", "mandate_date": "2027-02-01"}}"#
            )
            _ = try await client.post(
                "/v1/invoices", fx,
                #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": 10000}]}"#
            )
            let xml = camt053(
                id: "STMT-2",
                entries: [
                    creditEntry(
                        ref: "A", amount: 11900, date: "2027-03-02", text: "thanks", iban: "DE89370400440532013000"),
                    creditEntry(ref: "B", amount: 777, date: "2027-03-02", text: "who knows", name: "Stranger"),
                ])
            let r = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml).json()
            #expect(r["matched"] as? Int == 1 && r["unmatched"] as? Int == 1)
            let tx = r["transactions"] as! [[String: Any]]
            #expect(tx[0]["match_rule"] as? String == "iban_amount")
            let unmatched =
                try await client.get("/v1/bank_transactions?status=unmatched", fx).json()["data"] as! [[String: Any]]
            #expect(unmatched.count == 1)
            let manual = try await client.post(
                "/v1/bank_transactions/\(unmatched[0]["id"] as! String)/allocate", fx, #"{"customer": "\#(cus)"}"#)
            #expect(try manual.json()["status"] as? String == "allocated")
            #expect(try await client.get("/v1/customers/\(cus)", fx).json()["balance"] as? Int == 777)
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }

    /// The matched credits of a statement are booked together. Two credits naming the same
    /// invoice: the first pays it, the second finds nothing left and becomes credit; two
    /// surpluses of one customer add up; every payment, allocation and event is there once.
    @Test func oneStatementBooksAllItsCreditsAndASecondPaymentOfAnItemBecomesCredit() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            let ada = try await customer(client, fx, name: "Ada")
            let bob = try await customer(client, fx, name: "Bob")
            var numbers: [String: String] = [:]
            var ids: [String: String] = [:]
            for (who, cus, amount) in [("ada1", ada, 10000), ("ada2", ada, 5000), ("bob", bob, 20000)] {
                let inv = try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": \#(amount)}]}"#
                ).json()
                numbers[who] = inv["number"] as? String
                ids[who] = inv["id"] as? String
            }
            let xml = camt053(
                id: "STMT-BATCH",
                entries: [
                    creditEntry(ref: "1", amount: 11900, date: "2027-03-02", text: "Rechnung \(numbers["ada1"]!)"),
                    // The same invoice again: nothing left on it, so all of it is credit.
                    creditEntry(ref: "2", amount: 11900, date: "2027-03-02", text: "\(numbers["ada1"]!) again"),
                    // Pays ada2 (59.50) and leaves 0.50 over.
                    creditEntry(ref: "3", amount: 6000, date: "2027-03-02", text: "RE \(numbers["ada2"]!)"),
                    creditEntry(ref: "4", amount: 23800, date: "2027-03-02", text: "\(numbers["bob"]!)"),
                ])
            let r = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml).json()
            #expect(r["matched"] as? Int == 4 && r["unmatched"] as? Int == 0)
            let tx = r["transactions"] as! [[String: Any]]
            #expect(Set(tx.compactMap { $0["payment"] as? String }).count == 4)
            #expect(tx.map { $0["customer"] as? String } == [ada, ada, ada, bob])
            for who in ["ada1", "ada2", "bob"] {
                let inv = try await client.get("/v1/invoices/\(ids[who]!)", fx).json()
                #expect(inv["status"] as? String == "paid", "\(who)")
                #expect(inv["amount_due"] as? Int == 0)
            }
            #expect(try await client.get("/v1/customers/\(ada)", fx).json()["balance"] as? Int == 11900 + 50)
            #expect(try await client.get("/v1/customers/\(bob)", fx).json()["balance"] as? Int == 0)
            let paidTwice = try await scalar(
                fx, "SELECT count(*)::int FROM allocations WHERE invoice_id = '\(ids["ada1"]!)'", as: Int.self)
            #expect(paidTwice == 1)
            let events = try await scalar(
                fx,
                "SELECT count(*) FILTER (WHERE type = 'payment.succeeded')::int * 10 + count(*) FILTER (WHERE type = 'invoice.paid')::int FROM events",
                as: Int.self)
            #expect(events == 4 * 10 + 3)
            #expect(try await fx.trialBalance() == ["EUR": 0])
            _ = try await expectReconciled(client, fx, asOf: "2027-03-02")
            // Again: every entry is a duplicate, nothing is booked twice.
            let again = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: xml).json()
            #expect(again["duplicates"] as? Int == 4 && again["matched"] as? Int == 0)
            #expect(try await client.get("/v1/customers/\(ada)", fx).json()["balance"] as? Int == 11900 + 50)
        }
    }

    /// A run for named customers (what a bank statement or a return asks for) evaluates every
    /// one of them, in batches, and opens a case for those that had none yet.
    @Test func aRunForNamedCustomersEvaluatesThemAllInBatches() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            var customers: [String] = []
            for n in 1...5 {
                let cus = try await customer(client, fx, name: "Named \(n)")
                customers.append(cus)
                _ = try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": 1000}]}"#
                )
            }
            #expect(try await fx.count("dunning_cases") == 0)
            let summary = try await DunningRun(database: fx.database, batchSize: 2).run(
                now: instant("2027-04-30T09:00:00Z"), tenantID: fx.tenant.id, customerIDs: customers)
            #expect(summary.evaluated == 5)
            #expect(summary.notices == 5)
            #expect(try await fx.count("dunning_notices WHERE level = 1") == 5)
        }
    }

    /// A disputed item and the items of a kept payment plan are not dunned; resolving the
    /// dispute dunns its item, and a missed instalment brings the plan's items back.
    @Test func disputesAndKeptPaymentPlansPauseDunningForTheirItems() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            _ = try await client.send(
                .put, "/v1/dunning_policies/quick", key: fx.apiKey,
                json:
                    #"{"code": "quick", "name": "Quick", "levels": [{"name": "Erinnerung", "after_days": 1}, {"name": "Mahnung", "after_days": 5}]}"#
            )
            let cus = try await customer(client, fx, name: "Dora")
            _ = try await client.send(
                .patch, "/v1/customers/\(cus)", key: fx.apiKey, json: #"{"dunning_policy": "quick"}"#)
            var invoices: [[String: Any]] = []
            for amount in [10000, 20000] {
                invoices.append(
                    try await client.post(
                        "/v1/invoices", fx,
                        #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": \#(amount)}]}"#
                    ).json())
            }
            let (a, b) = (invoices[0], invoices[1])
            let due = LocalDate(a["due_date"] as! String)!
            func at(_ days: Int) -> String { "\(due.adding(days: days))T08:00:00Z" }
            func noticed() async throws -> [[String]] {
                let notices =
                    try await client.get("/v1/customers/\(cus)/dunning", fx).json()["notices"] as! [[String: Any]]
                return notices.map { ($0["items"] as! [[String: Any]]).map { $0["number"] as! String } }
            }
            let dispute = try await client.post(
                "/v1/invoices/\(a["id"] as! String)/disputes", fx, #"{"reason": "Work was not ordered"}"#)
            #expect(dispute.status == .created)
            // B (238.00) in two instalments: 100.00 three days after due, 138.00 twelve days after.
            let plan = try await client.post(
                "/v1/customers/\(cus)/payment_plans", fx,
                #"{"invoices": ["\#(b["id"] as! String)"], "instalments": [{"due_date": "\#(due.adding(days: 3))", "amount": 10000}, {"due_date": "\#(due.adding(days: 12))", "amount": 13800}]}"#
            )
            #expect(plan.status == .created)
            func standing() async throws -> [String: Any] {
                (try await client.get("/v1/customers/\(cus)/payment_plans", fx).json()["data"] as! [[String: Any]])[0]
            }
            // An instalment in the past is refused, naming it, and nothing is written.
            let late = try await client.post(
                "/v1/customers/\(cus)/payment_plans", fx,
                #"{"invoices": ["\#(b["id"] as! String)"], "instalments": [{"due_date": "2027-02-01", "amount": 23800}]}"#
            )
            #expect(late.status == .unprocessableContent)
            #expect(try late.errorFields() == ["instalments[0].due_date"])
            #expect(try await fx.count("payment_plans") == 1)
            try await client.advanceClock(to: at(2), fx)
            #expect(try await noticed().isEmpty)
            _ = try await client.post(
                "/v1/payments", fx,
                #"{"customer": "\#(cus)", "amount": 10000, "currency": "EUR", "allocations": [{"invoice": "\#(b["id"] as! String)", "amount": 10000}]}"#
            )
            try await client.advanceClock(to: at(10), fx)
            #expect(try await noticed().isEmpty)
            var p = try await standing()
            #expect(
                p["status"] as? String == "active" && p["paid"] as? Int == 10000 && p["due_so_far"] as? Int == 10000)
            // The dispute is decided against the customer: A is dunned at once, B (plan kept) is not.
            let resolved = try await client.post(
                "/v1/disputes/\(dispute.json()["id"] as! String)/resolve", fx, #"{"resolution": "ordered in writing"}"#)
            #expect(resolved.status == .ok)
            #expect(try await noticed() == [[a["number"] as! String]])
            // The second instalment (due day 12) is missed: from day 13 B is dunned with A.
            try await client.advanceClock(to: at(16), fx)
            let all = try await noticed()
            #expect(all.count == 2)
            #expect(all.last.map(Set.init) == [a["number"] as! String, b["number"] as! String])
            p = try await standing()
            #expect(p["status"] as? String == "in_arrears" && p["due_so_far"] as? Int == 23800)
            _ = try await client.post(
                "/v1/payments", fx,
                #"{"customer": "\#(cus)", "amount": 13800, "currency": "EUR", "allocations": [{"invoice": "\#(b["id"] as! String)", "amount": 13800}]}"#
            )
            #expect(try await standing()["status"] as? String == "completed")
        }
    }

    /// Several nodes run dunning at once: every level is reached once per customer, and each
    /// fee item is issued once.
    @Test func concurrentDunningRunsReachEachLevelOncePerCustomer() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            for n in 1...30 {
                let cus = try await customer(client, fx, name: "Node \(n)")
                _ = try await client.post(
                    "/v1/invoices", fx,
                    #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": 1000}]}"#
                )
            }
            // The default policy: reminder at 7 days past due, 1st Mahnung (fee) at 21.
            for (day, level) in [("2027-05-01", 1), ("2027-05-15", 2)] {
                let now = instant("\(day)T09:00:00Z")
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<3 {
                        group.addTask {
                            try await DunningRun(database: fx.database, batchSize: 4).run(
                                now: now, tenantID: fx.tenant.id
                            ).notices
                        }
                    }
                    var total = 0
                    for try await n in group { total += n }
                    #expect(total == 30, "level \(level)")
                }
                #expect(try await fx.count("dunning_notices WHERE level = \(level)") == 30)
            }
            #expect(try await fx.count("invoices WHERE billing_reason = 'dunning_fee'") == 30)
            #expect(try await fx.trialBalance() == ["EUR": 0])
        }
    }

    /// A credit note that settles what was overdue closes the case and restores service at
    /// once, not at the next daily run.
    @Test func aCreditNoteThatSettlesTheOverdueItemRestoresServiceAtOnce() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            _ = try await client.send(
                .put, "/v1/dunning_policies/strict", key: fx.apiKey,
                json:
                    #"{"code": "strict", "name": "Strict", "levels": [{"name": "Sperre", "after_days": 1, "actions": ["notify", "restrict"]}]}"#
            )
            let cus = try await customer(client, fx, name: "Erin")
            _ = try await client.send(
                .patch, "/v1/customers/\(cus)", key: fx.apiKey, json: #"{"dunning_policy": "strict"}"#)
            _ = try await client.post(
                "/v1/payment_methods", fx,
                #"{"customer": "\#(cus)", "type": "card", "card": {"token": "tok_expired_card", "brand": "visa", "last4": "0069", "exp_month": 12, "exp_year": 2031}}"#
            )
            let sub =
                try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#
                ).json()["id"] as! String
            let invoice = (try await client.get("/v1/invoices?customer=\(cus)", fx).json()["data"] as! [[String: Any]])[
                0]
            let due = LocalDate(invoice["due_date"] as! String)!
            try await client.advanceClock(to: "\(due.adding(days: 2))T08:00:00Z", fx)
            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "restricted")
            // The charge was wrong after all: credited in full, the same day.
            let note = try await client.post("/v1/invoices/\(invoice["id"] as! String)/credit_notes", fx, "{}")
            #expect(note.status == .created)
            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "active")
            #expect(try await fx.eventTypes().contains("subscription.reactivated"))
            #expect(try await client.get("/v1/customers/\(cus)/dunning", fx).json()["level"] as? Int == 0)
        }
    }
}
