import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorDocuments
import KontorEngine
import KontorMail
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// A tenant that collects SEPA debits through its own bank: debits are scheduled on the
/// TARGET2 business day the debtor was told, gathered into pain.008 files that the bank's XSD
/// and an independent reader accept, settled on their date once submitted, and a camt.054
/// return reopens the invoice for dunning.
@Suite struct SEPABankFileTests {
    static let creditorID = "DE98ZZZ09999999999"

    func tenant(_ client: some TestClientProtocol, _ fx: APIFixture, _ body: String) async throws -> TestResponse {
        try await client.send(.patch, "/v1/tenant", key: fx.apiKey, json: body)
    }

    /// Bank file, a 20-day pre-notification, and a policy that reminds one day after the due date.
    func bankFileTenant(_ client: some TestClientProtocol, _ fx: APIFixture) async throws {
        let r = try await tenant(
            client, fx,
            #"{"sepa_creditor_id": "\#(Self.creditorID)", "bank_iban": "DE02120300000000202051", "sepa_collection": "bank_file", "sepa_prenotification_days": 20, "contact_email": "billing@test.example"}"#
        )
        #expect(r.status == .ok, "\(r.text)")
        #expect(try r.json()["sepa_collection"] as? String == "bank_file")
        let put = try await client.send(
            .put, "/v1/dunning_policies/fast", key: fx.apiKey,
            json: #"{"code": "fast", "name": "Fast", "levels": [{"name": "Erinnerung", "after_days": 1}]}"#)
        #expect(put.status == .ok, "\(put.text)")
    }

    func debtor(_ client: some TestClientProtocol, _ fx: APIFixture) async throws -> (customer: String, method: String)
    {
        let cus =
            try await client.post(
                "/v1/customers", fx,
                #"{"name": "Jürgen Müller", "kind": "consumer", "email": "jm@example.org", "locale": "de", "dunning_policy": "fast", "address": {"country": "DE"}}"#
            ).json()["id"] as! String
        let pm = try await client.post(
            "/v1/payment_methods", fx,
            #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {"iban": "DE89370400440532013000", "mandate_reference": "KONTOR-M-7", "mandate_date": "2027-02-01"}}"#
        )
        #expect(pm.status == .created, "\(pm.text)")
        return (cus, try pm.json()["id"] as! String)
    }

    func debits(_ fx: APIFixture) async throws -> [(status: String, sequence: String, planned: LocalDate, e2e: String)]
    {
        let rows = try await fx.database.client.query(
            "SELECT status, sequence_type, planned_on, end_to_end_id FROM sepa_debits ORDER BY created_at",
            logger: fx.database.logger)
        var result: [(String, String, LocalDate, String)] = []
        for try await r in rows.decode((String, String, LocalDate, String).self) { result.append(r) }
        return result
    }

    func euros(_ cents: Int) -> String { "\(cents / 100).\(String(format: "%02d", cents % 100))" }

    /// The file of a batch: as the API hands it out, checked by the bank's side.
    func checkedFile(_ client: some TestClientProtocol, _ fx: APIFixture, _ batch: [String: Any]) async throws
        -> SEPAOracle.Report
    {
        let id = batch["id"] as! String
        let file = try await client.get("/v1/sepa_batches/\(id)/file", fx)
        #expect(file.status == .ok && file.headers[.contentType] == "application/xml")
        let bytes = [UInt8](file.body.readableBytesView)
        let digest = SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
        #expect(digest == batch["sha256"] as? String)
        let report = try #require(try await SEPAOracle.check([id: bytes])[id])
        #expect(report.xsd == "valid", "\(report.xsd)")
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(report.version == batch["format"] as? String)
        #expect(report.messageId == batch["message_id"] as? String)
        return report
    }

    @Test func debitsAreFiledOnTheirBusinessDaySettledAndAReturnIsDunned() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            try await bankFileTenant(client, fx)
            let (cus, pm) = try await debtor(client, fx)
            let sub =
                try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#
                ).json()["id"] as! String
            // Issued 03-01, due 03-15; told 20 days ahead: Sunday 03-21, so Monday 03-22.
            let first = try #require(
                (try await client.get("/v1/invoices?customer=\(cus)", fx).json()["data"] as! [[String: Any]]).first)
            #expect(first["status"] as? String == "open" && first["due_date"] as? String == "2027-03-15")
            #expect(try await fx.count("payments") == 0, "scheduled, not charged")
            var scheduled = try await debits(fx)
            #expect(scheduled.map(\.status) == ["scheduled"] && scheduled.map(\.sequence) == ["FRST"])
            #expect(scheduled.map(\.planned) == [LocalDate("2027-03-22")!])
            #expect(try await fx.eventTypes().contains("sepa_debit.scheduled"))
            let listed = try await client.get("/v1/sepa_debits?status=scheduled", fx).json()["data"] as! [[String: Any]]
            #expect(listed.map { $0["planned_on"] as? String } == ["2027-03-22"])
            #expect(listed.first?["invoice"] as? String == first["id"] as? String)
            #expect(listed.first?["end_to_end_id"] as? String == scheduled[0].e2e)
            let bad = try await client.get("/v1/sepa_debits?status=late", fx)
            #expect(bad.status == .unprocessableContent)
            #expect(try bad.errorFields() == ["status"])
            let method = try await client.get("/v1/payment_methods/\(pm)", fx).json()["sepa_debit"] as! [String: Any]
            #expect(method["next_sequence_type"] as? String == "RCUR")
            // The invoice and its e-mail state the collection date, mandate and creditor id.
            let cii = try await client.get("/v1/invoices/\(first["id"] as! String)/einvoice?syntax=cii", fx)
            #expect(cii.text.contains("2027-03-22"), "\(cii.status)")
            let mailer = Engine(
                database: fx.database,
                mail: SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)")))
            _ = try await mailer.archive.run(now: Date(), tenantID: fx.tenant.id)
            _ = try await mailer.mail.run(now: Date(), tenantID: fx.tenant.id)
            let bill = try #require(try server.messages().first { $0.subject.contains(first["number"] as! String) })
            #expect(bill.text?.contains("22.03.2027") == true, "\(bill.text ?? "")")
            #expect(bill.text?.contains("KONTOR-M-7") == true && bill.text?.contains(Self.creditorID) == true)

            // 03-10: the file takes the debit for 03-22 (12 days ahead), never twice.
            try await client.advanceClock(to: "2027-03-10T09:00:00Z", fx)
            let made = try await client.post("/v1/sepa_batches", fx, "")
            #expect(made.status == .created, "\(made.text)")
            let batch = try made.json()
            #expect(batch["debit_count"] as? Int == 1 && batch["control_sum"] as? Int == first["total"] as? Int)
            let report = try await checkedFile(client, fx, batch)
            #expect(report.blocks.map(\.date) == ["2027-03-22"] && report.blocks.map(\.sequence) == ["FRST"])
            #expect(report.blocks.first?.creditorId == Self.creditorID)
            #expect(report.blocks.first?.transactions.first?.mandate == "KONTOR-M-7")
            #expect(report.blocks.first?.transactions.first?.debtor == "Juergen Mueller")
            #expect(report.blocks.first?.transactions.first?.endToEndId == scheduled[0].e2e)
            let again = try await client.post("/v1/sepa_batches", fx, "{}")
            #expect(again.status == .conflict, "nothing left: a debit is in one batch only")
            let batchID = batch["id"] as! String
            #expect(try await client.post("/v1/sepa_batches/\(batchID)/submitted", fx, "{}").status == .ok)
            #expect(try await client.post("/v1/sepa_batches/\(batchID)/submitted", fx, "{}").status == .conflict)

            // Overdue from 03-16, but the debit is on its way: no reminder; it settles on 03-22.
            try await client.advanceClock(to: "2027-03-21T09:00:00Z", fx)
            #expect(try await fx.count("dunning_notices") == 0)
            #expect(try await fx.count("payments") == 0)
            #expect(try await client.get("/v1/subscriptions/\(sub)", fx).json()["status"] as? String == "active")
            #expect(try await !fx.eventTypes().contains("invoice.overdue"))
            try await client.advanceClock(to: "2027-03-22T09:00:00Z", fx)
            let paid = try await client.get("/v1/invoices/\(first["id"] as! String)", fx).json()
            #expect(paid["status"] as? String == "paid")
            let payments = try await client.get("/v1/payments?customer=\(cus)", fx).json()["data"] as! [[String: Any]]
            #expect(payments.count == 1 && payments[0]["end_to_end_id"] as? String == scheduled[0].e2e)
            #expect(try await client.get("/v1/sepa_batches/\(batchID)", fx).json()["status"] as? String == "submitted")

            // April: the next debit is RCUR, filed as pain.008.001.02 on request.
            try await client.advanceClock(to: "2027-04-10T09:00:00Z", fx)
            scheduled = try await debits(fx)
            #expect(scheduled.map(\.status) == ["settled", "scheduled"])
            #expect(scheduled.map(\.sequence) == ["FRST", "RCUR"])
            #expect(scheduled[1].planned == LocalDate("2027-04-21")!)
            let april = try await client.post("/v1/sepa_batches", fx, #"{"format": "pain.008.001.02"}"#)
            #expect(april.status == .created, "\(april.text)")
            let aprilReport = try await checkedFile(client, fx, try april.json())
            #expect(aprilReport.blocks.map(\.sequence) == ["RCUR"] && aprilReport.blocks.map(\.date) == ["2027-04-21"])
            _ = try await client.post("/v1/sepa_batches/\(try april.json()["id"] as! String)/submitted", fx, "{}")
            try await client.advanceClock(to: "2027-04-21T09:00:00Z", fx)
            #expect(try await fx.count("payments WHERE status = 'succeeded'") == 2)

            // The bank returns it (camt.054, MD06 on 04-23): reopened, dunned the next day.
            let camt = """
                <?xml version="1.0" encoding="UTF-8"?>
                <Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08">
                  <BkToCstmrDbtCdtNtfctn>
                    <GrpHdr><MsgId>NTF-1</MsgId><CreDtTm>2027-04-23T00:00:00</CreDtTm></GrpHdr>
                    <Ntfctn><Id>NTF-1-1</Id><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
                      <Ntry><Amt Ccy="EUR">\(euros(first["total"] as! Int))</Amt><CdtDbtInd>DBIT</CdtDbtInd><RvslInd>true</RvslInd>
                        <Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2027-04-23</Dt></BookgDt>
                        <BkTxCd><Domn><Cd>PMNT</Cd><Fmly><Cd>IDDT</Cd><SubFmlyCd>UPDD</SubFmlyCd></Fmly></Domn></BkTxCd>
                        <NtryDtls><TxDtls><Refs><EndToEndId>\(scheduled[1].e2e)</EndToEndId><MndtId>KONTOR-M-7</MndtId></Refs>
                          <RtrInf><Rsn><Cd>MD06</Cd></Rsn></RtrInf></TxDtls></NtryDtls>
                      </Ntry>
                    </Ntfctn>
                  </BkToCstmrDbtCdtNtfctn>
                </Document>
                """
            try await client.advanceClock(to: "2027-04-23T09:00:00Z", fx)
            let imported = try await client.send(.post, "/v1/bank_statements", key: fx.apiKey, json: camt)
            #expect(imported.status == .created || imported.status == .ok, "\(imported.text)")
            let returned = try await client.get("/v1/payments?customer=\(cus)", fx).json()["data"] as! [[String: Any]]
            #expect(
                returned.first { $0["end_to_end_id"] as? String == scheduled[1].e2e }?["status"] as? String
                    == "returned")
            #expect(try await fx.count("invoices WHERE status = 'open' AND billing_reason <> 'return_fee'") == 1)
            try await client.advanceClock(to: "2027-04-24T09:00:00Z", fx)
            #expect(try await fx.count("dunning_notices") >= 1, "re-dunned after the return")
            #expect(try await fx.trialBalance().values.allSatisfy { $0 == 0 })
            let types = try await fx.eventTypes()
            #expect(types.contains("sepa_batch.created") && types.contains("sepa_batch.submitted"))
        }
    }

    /// A debtor who pays an item in the portal by direct debit, at a tenant that collects by
    /// bank file, gets a debit scheduled for its date (the portal says it will be collected),
    /// not a charge and not "nothing charged".
    @Test func aPortalPaymentByDebitIsScheduledForItsDate() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            try await bankFileTenant(client, fx)
            let (cus, pm) = try await debtor(client, fx)
            let made = try await client.post(
                "/v1/invoices", fx,
                #"{"customer": "\#(cus)", "currency": "EUR", "collection_method": "send_invoice", "lines": [{"description": "Work", "unit_amount": 5000}]}"#
            )
            #expect(made.status == .created, "\(made.text)")
            let invoice = try made.json()["id"] as! String
            let result = try await Engine(database: fx.database).collection.chargeNow(
                invoiceID: invoice, paymentMethodID: pm, tenantID: fx.tenant.id,
                now: ISO8601DateFormatter().date(from: "2027-03-01T10:00:00Z")!)
            #expect(result == .debitScheduled(on: LocalDate("2027-03-22")!))
            #expect(try await fx.count("sepa_debits WHERE status = 'scheduled'") == 1)
            #expect(try await fx.count("payments") == 0)
            #expect(try await client.get("/v1/invoices/\(invoice)", fx).json()["status"] as? String == "open")
        }
    }

    @Test func twoBatchesMadeAtOnceNeverShareADebit() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            try await bankFileTenant(client, fx)
            for _ in 0..<6 {
                let (cus, _) = try await debtor(client, fx)
                _ = try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#)
            }
            #expect(try await fx.count("sepa_debits WHERE status = 'scheduled'") == 6)
            try await client.advanceClock(to: "2027-03-10T09:00:00Z", fx)
            let engine = Engine(database: fx.database)
            let tenant = try #require(try await TenantRepository(database: fx.database).find(fx.tenant.id))
            async let a = try? engine.sepaBatches.create(version: .v08, tenant: tenant)
            async let b = try? engine.sepaBatches.create(version: .v08, tenant: tenant)
            let made = [await a, await b].compactMap { $0 }
            #expect(!made.isEmpty)
            #expect(made.map(\.debitCount).reduce(0, +) == 6)
            #expect(try await fx.count("sepa_debits WHERE status = 'batched'") == 6)
            #expect(try await fx.count("(SELECT end_to_end_id FROM sepa_debits GROUP BY 1 HAVING count(*) > 1) x") == 0)
        }
    }

    /// A debit whose invoice was credited in full before the file is made is never sent; one
    /// whose mandate was detached is dropped and its invoice collected afresh (here: no method
    /// left to charge, so it waits for a transfer and dunning).
    @Test func aDebitWhoseInvoiceWasSettledOtherwiseIsNotFiled() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            try await client.freezeClock(at: "2027-03-01T09:00:00Z", fx)
            try await bankFileTenant(client, fx)
            var invoices: [String] = []
            var methods: [String] = []
            for _ in 0..<3 {
                let (cus, pm) = try await debtor(client, fx)
                methods.append(pm)
                _ = try await client.post(
                    "/v1/subscriptions", fx, #"{"customer": "\#(cus)", "plan": "starter", "trial_days": 0}"#)
                let list = try await client.get("/v1/invoices?customer=\(cus)", fx).json()["data"] as! [[String: Any]]
                invoices.append(list[0]["id"] as! String)
            }
            #expect(try await fx.count("sepa_debits WHERE status = 'scheduled'") == 3)
            let note = try await client.post("/v1/invoices/\(invoices[0])/credit_notes", fx, "{}")
            #expect(note.status == .created, "\(note.text)")
            // (The API has no detach yet; a PSP adapter or the store may set it.)
            _ = try await fx.database.client.query(
                "UPDATE payment_methods SET status = 'detached' WHERE payment_method_id = \(methods[1])",
                logger: fx.database.logger)
            try await client.advanceClock(to: "2027-03-10T09:00:00Z", fx)
            let made = try await client.post("/v1/sepa_batches", fx, "{}")
            #expect(made.status == .created, "\(made.text)")
            let debits = try made.json()["debits"] as! [[String: Any]]
            #expect(debits.map { $0["invoice"] as? String } == [invoices[2]])
            #expect(try await fx.count("sepa_debits WHERE status = 'canceled'") == 2)
            #expect(try await fx.count("payments") == 0, "nothing charged for the detached mandate")
            let open = try await client.get("/v1/invoices/\(invoices[1])", fx).json()
            #expect(open["status"] as? String == "open")
        }
    }

    @Test func badSEPAInputIsRefusedNamingTheFieldAndWritesNothing() async throws {
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            for (body, field) in [
                (#"{"sepa_collection": "bank_file"}"#, "sepa_collection"),
                (#"{"sepa_collection": "paper"}"#, "sepa_collection"),
                (#"{"sepa_prenotification_days": 5}"#, "sepa_prenotification_days"),
                (
                    #"{"sepa_prenotification_days": 45, "sepa_prenotification_agreed": true}"#,
                    "sepa_prenotification_days"
                ),
                (#"{"sepa_creditor_id": "DE00ZZZ09999999999"}"#, "sepa_creditor_id"),
                (#"{"bank_iban": "DE00370400440532013000"}"#, "bank_iban"),
            ] {
                let r = try await tenant(client, fx, body)
                #expect(r.status == .unprocessableContent, "\(body): \(r.status)")
                #expect(try r.errorFields().contains(field), "\(body): \(r.text)")
            }
            let agreed = try await tenant(
                client, fx, #"{"sepa_prenotification_days": 5, "sepa_prenotification_agreed": true}"#)
            #expect(agreed.status == .ok)
            #expect(try agreed.json()["sepa_prenotification_days"] as? Int == 5)
            let profile = try await client.get("/v1/tenant", fx).json()
            #expect(profile["sepa_collection"] as? String == "gateway")
            #expect(profile["sepa_creditor_id"] == nil || profile["sepa_creditor_id"] is NSNull)
            let cus =
                try await client.post(
                    "/v1/customers", fx, #"{"name": "X", "kind": "consumer", "address": {"country": "DE"}}"#
                ).json()["id"] as! String
            for (body, field) in [
                (
                    #""iban": "DE00370400440532013000", "mandate_reference": "M-1", "mandate_date": "2027-02-01""#,
                    "iban"
                ),
                (
                    #""iban": "DE89370400440532013000", "mandate_reference": "M 1", "mandate_date": "2027-02-01""#,
                    "mandate_reference"
                ),
                (
                    #""iban": "DE89370400440532013000", "mandate_reference": "M-1", "mandate_date": "2999-02-01""#,
                    "mandate_date"
                ),
            ] {
                let r = try await client.post(
                    "/v1/payment_methods", fx,
                    #"{"customer": "\#(cus)", "type": "sepa_debit", "sepa_debit": {\#(body)}}"#)
                #expect(r.status == .unprocessableContent, "\(body): \(r.text)")
                #expect(try r.errorFields().contains { $0.hasSuffix(field) }, "\(body): \(r.text)")
            }
            let format = try await client.post("/v1/sepa_batches", fx, #"{"format": "pain.008.001.99"}"#)
            #expect(format.status == .unprocessableContent)
            #expect(try format.errorFields() == ["format"])
            #expect(try await client.post("/v1/sepa_batches", fx, "{}").status == .conflict, "no creditor id")
            #expect(try await client.get("/v1/sepa_batches/sepab_nothing", fx).status == .notFound)
            #expect(try await fx.count("payment_methods") == 0)
            #expect(try await fx.count("sepa_batches") == 0)
        }
    }
}
