import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import KontorCore
import KontorEngine
import KontorMail
import KontorStore
import KontorTestSupport
import PostgresNIO
import Testing

/// The mail worker against a real SMTP server on loopback: an issued invoice reaches the
/// customer with its archived PDF; a 4xx is retried after the backoff; a 5xx fails; nothing is
/// sent twice; the log and the events say what happened.
@Suite(.serialized) struct MailDeliveryTests {
    func customer(_ client: some TestClientProtocol, _ fx: APIFixture, email: String?) async throws -> String {
        let field = email.map { #", "email": "\#($0)""# } ?? ""
        return try await client.post(
            "/v1/customers", fx,
            #"{"name": "Kundin GmbH", "kind": "business", "locale": "de", "address": {"line1": "Hauptstraße 5", "postal_code": "80331", "city": "München", "country": "DE"}\#(field)}"#
        ).json()["id"] as! String
    }

    func invoice(_ client: some TestClientProtocol, _ fx: APIFixture, customer: String) async throws -> [String: Any] {
        try await client.post(
            "/v1/invoices", fx,
            #"{"customer": "\#(customer)", "currency": "EUR", "lines": [{"description": "Setup", "quantity": 1, "unit_amount": 10000}]}"#
        ).json()
    }

    func pdfHash(_ fx: APIFixture, invoice: String) async throws -> String? {
        let rows = try await fx.database.client.query(
            "SELECT sha256 FROM documents WHERE source_id = \(invoice) AND format = 'pdf'", logger: fx.database.logger)
        for try await sha in rows.decode(String.self) { return sha }
        return nil
    }

    @Test func anIssuedInvoiceReachesTheCustomerWithItsArchivedPDF() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            _ = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey, json: #"{"contact_email": "billing@test.example"}"#)
            let cus = try await customer(client, fx, email: "ap@kundin.example")
            let issued = try await invoice(client, fx, customer: cus)
            let id = issued["id"] as! String
            let engine = Engine(
                database: fx.database,
                mail: SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)")))
            _ = try await engine.archive.run(now: Date(), tenantID: fx.tenant.id)
            let done = try await engine.mail.run(now: Date(), tenantID: fx.tenant.id)
            #expect(done.made == 1)
            #expect(done.attempted == 1)
            let received = try server.messages()
            #expect(received.count == 1)
            let m = try #require(received.first)
            #expect(m.subject == "Rechnung \(issued["number"] as! String)")
            #expect(m.to == "ap@kundin.example")
            #expect(m.from.contains("billing@test.example"))
            #expect(m.text?.contains("Guten Tag") == true)
            let link = try await client.get("/v1/customers/\(cus)/portal_link", fx).json()["url"] as? String
            #expect(link.map { m.text?.contains($0) == true } == true, "the e-mail carries the portal link")
            #expect(m.defects == [])
            #expect(m.attachments.map(\.sha256) == [try await pdfHash(fx, invoice: id) ?? "?"], "the archived PDF")
            // A second run sends nothing again.
            #expect(try await engine.mail.run(now: Date(), tenantID: fx.tenant.id) == (0, 0))
            #expect(try server.messages().count == 1)
            let log = try await client.get("/v1/customers/\(cus)/messages", fx)
            #expect(log.status == .ok)
            let data = try log.json()["data"] as! [[String: Any]]
            #expect(data.count == 1)
            #expect(data.first?["status"] as? String == "sent")
            #expect(data.first?["source"] as? String == id)
            #expect(try await fx.count("events WHERE type = 'message.sent'") == 1)
        }
    }

    @Test func aTemporaryRefusalIsRetriedAfterTheBackoffAndAPermanentOneFails() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            _ = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey, json: #"{"contact_email": "billing@test.example"}"#)
            let later = try await customer(client, fx, email: "tempfail@kundin.example")
            let never = try await customer(client, fx, email: "reject@kundin.example")
            let nobody = try await customer(client, fx, email: nil)
            for c in [later, never, nobody] { _ = try await invoice(client, fx, customer: c) }
            let engine = Engine(
                database: fx.database,
                mail: SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)")))
            let now = Date()
            _ = try await engine.archive.run(now: now, tenantID: fx.tenant.id)
            _ = try await engine.mail.run(now: now, tenantID: fx.tenant.id)
            func status(_ c: String) async throws -> [String: Any] {
                (try await client.get("/v1/customers/\(c)/messages", fx).json()["data"] as! [[String: Any]]).first
                    ?? [:]
            }
            let retried = try await status(later)
            #expect(retried["status"] as? String == "queued")
            #expect(retried["attempts"] as? Int == 1)
            #expect((retried["last_error"] as? String ?? "").hasPrefix("451"))
            let refused = try await status(never)
            #expect(refused["status"] as? String == "failed")
            #expect((refused["last_error"] as? String ?? "").hasPrefix("550"))
            let unaddressed = try await status(nobody)
            #expect(unaddressed["status"] as? String == "failed")
            #expect(unaddressed["last_error"] as? String == "the customer has no e-mail address")
            #expect(try server.messages().isEmpty)
            // Not before the backoff; after it, the retry goes through.
            #expect(try await engine.mail.run(now: now.addingTimeInterval(30), tenantID: fx.tenant.id).attempted == 0)
            #expect(try await engine.mail.run(now: now.addingTimeInterval(61), tenantID: fx.tenant.id).attempted == 1)
            #expect(try await status(later)["status"] as? String == "sent")
            #expect(try server.messages().count == 1)
            #expect(try await fx.count("events WHERE type = 'message.failed'") == 2)
            #expect(try await fx.count("events WHERE type = 'message.sent'") == 1)
        }
    }

    @Test func withoutAnSMTPServerMessagesAreKeptInAFolder() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("outbox-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            _ = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey, json: #"{"contact_email": "billing@test.example"}"#)
            _ = try await invoice(client, fx, customer: try await customer(client, fx, email: "ap@kundin.example"))
            let engine = Engine(database: fx.database, mail: FolderTransport(directory: folder))
            _ = try await engine.archive.run(now: Date(), tenantID: fx.tenant.id)
            _ = try await engine.mail.run(now: Date(), tenantID: fx.tenant.id)
            let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            #expect(files.count == 1)
            #expect(files.first?.hasPrefix("msg_") == true && files.first?.hasSuffix(".eml") == true)
        }
    }

    /// Watches the message log as each message goes to the server, then hands it on.
    final class WatchingTransport: MailTransport, @unchecked Sendable {
        let inner: any MailTransport
        let database: Database
        var seen: [[String: String]] = []

        init(_ inner: any MailTransport, database: Database) {
            self.inner = inner
            self.database = database
        }

        func states() async throws -> [String: String] {
            var states: [String: String] = [:]
            let rows = try await database.client.query(
                "SELECT recipient, status FROM messages", logger: database.logger)
            for try await (r, s) in rows.decode((String?, String).self) { states[r ?? ""] = s }
            return states
        }

        func deliver(_ bytes: [UInt8], from: String, to: [String]) async -> SMTPOutcome {
            seen.append((try? await states()) ?? [:])
            return await inner.deliver(bytes, from: from, to: to)
        }
    }

    @Test func eachOutcomeIsCommittedBeforeTheNextSendAndACrashedSendGoesOutOnceAfterItsLease() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        try await withTestAPI { client, fx in
            try await fx.prepareForBilling()
            _ = try await client.send(
                .patch, "/v1/tenant", key: fx.apiKey, json: #"{"contact_email": "billing@test.example"}"#)
            let addresses = ["a@kundin.example", "b@kundin.example", "c@kundin.example"]
            for a in addresses { _ = try await invoice(client, fx, customer: try await customer(client, fx, email: a)) }
            let smtp = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)"))
            let watching = WatchingTransport(smtp, database: fx.database)
            let worker = MailWorker(database: fx.database, transport: watching)
            let now = Date()
            _ = try await Engine(database: fx.database).archive.run(now: now, tenantID: fx.tenant.id)
            _ = try await worker.run(now: now, tenantID: fx.tenant.id)
            // When the k-th message went to the server, the ones before it were already recorded
            // sent: a crash then could only leave the k-th unresolved.
            #expect(watching.seen.count == 3)
            for (k, states) in watching.seen.enumerated() {
                let sent = states.filter { $0.value == "sent" }.count
                #expect(sent == k, "before send \(k + 1): \(states)")
                #expect(states.values.filter { $0 == "sending" }.count == 3 - k, "claimed and committed first")
            }
            #expect(try server.messages().count == 3)

            // A worker that claimed a message and died: the message waits for its lease, then goes
            // out once.
            _ = try await invoice(client, fx, customer: try await customer(client, fx, email: "d@kundin.example"))
            _ = try await Engine(database: fx.database).archive.run(now: now, tenantID: fx.tenant.id)
            _ = try await MailWorker(database: fx.database, transport: nil).run(now: now, tenantID: fx.tenant.id)
            let claimed = try await fx.database.transaction {
                try await MessageRepository(logger: fx.database.logger).claimDue(
                    now: now, limit: 20, lease: 1, tenantID: fx.tenant.id, on: $0)
            }
            #expect(claimed.count == 1)
            #expect(try await worker.run(now: now, tenantID: fx.tenant.id).attempted == 0, "the lease holds")
            try await Task.sleep(for: .milliseconds(1300))
            #expect(try await worker.run(now: now, tenantID: fx.tenant.id).attempted == 1)
            #expect(try await worker.run(now: now, tenantID: fx.tenant.id).attempted == 0)
            let received = try server.messages()
            #expect(received.count == 4)
            #expect(Set(received.map(\.messageId)).count == 4, "no message twice")
            #expect(try await fx.count("messages WHERE status = 'sent' AND attempts = 2") == 1)
        }
    }
}
