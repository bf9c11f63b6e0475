import Crypto
import Foundation
import KontorTestSupport
import NIOCore
import Testing

@testable import KontorMail

/// Kontor's SMTP client against a real SMTP server (aiosmtpd on loopback): what arrives parses
/// with Python's `email` package as sent; a 4xx is transient, a 5xx permanent; nothing is
/// delivered in part.
@Suite(.serialized) struct SMTPClientTests {
    static func message(to: String, pdf: [UInt8] = Array("%PDF-1.7 test".utf8)) -> MailMessage {
        MailMessage(
            from: MailMessage.Address(name: "Müller & Söhne GmbH", email: "billing@mueller.example"),
            to: [MailMessage.Address(name: "Kundin GmbH", email: to)],
            subject: "Rechnung 2027-000123 über 119,00 € — fällig am 15.03.2027",
            text: "Guten Tag,\n\nanbei Ihre Rechnung.\n.\nEine Zeile, die mit einem Punkt beginnt.\n",
            html: "<p>Guten Tag,</p><p>anbei Ihre Rechnung.</p>",
            attachments: [
                MailMessage.Attachment(fileName: "2027-000123.pdf", contentType: "application/pdf", bytes: pdf)
            ],
            messageID: "msg_test@kontor.localhost", date: Date(timeIntervalSince1970: 1_804_000_000))
    }

    @Test func aMessageArrivesAndParsesAsSentWithItsAttachment() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let pdf = (0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let client = SMTPClient(
            configuration: try SMTPConfiguration(url: "smtp://kontor:secret@127.0.0.1:\(server.port)"))
        let outcome = await client.send(Self.message(to: "ap@kundin.example", pdf: pdf))
        #expect(outcome == .sent)
        let received = try server.messages()
        #expect(received.count == 1)
        let m = try #require(received.first)
        #expect(m.defects == [])
        #expect(m.subject == "Rechnung 2027-000123 über 119,00 € — fällig am 15.03.2027")
        #expect(m.from == "Müller & Söhne GmbH <billing@mueller.example>")
        #expect(m.to == "Kundin GmbH <ap@kundin.example>")
        #expect(m.messageId == "<msg_test@kontor.localhost>")
        #expect(m.text?.contains("\n.\nEine Zeile, die mit einem Punkt beginnt.") == true, "dot-stuffing undone")
        #expect(m.html?.contains("<p>Guten Tag,</p>") == true)
        let sha = SHA256.hash(data: pdf).map { String(format: "%02x", $0) }.joined()
        #expect(m.attachments.map(\.sha256) == [sha])
        #expect(m.attachments.first?.filename == "2027-000123.pdf")
        #expect(m.attachments.first?.contentType == "application/pdf")
        let envelope = try #require(try server.envelopes().first)
        #expect(envelope["from"] as? String == "billing@mueller.example")
        #expect(envelope["auth"] as? Bool == true, "AUTH PLAIN with the URL's credentials")
    }

    @Test func aTemporaryRefusalIsTransientAndTheRetryGoesThrough() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)"))
        let first = await client.send(Self.message(to: "tempfail@kundin.example"))
        guard case .transient(let code, _) = first else {
            Issue.record("expected a transient outcome, got \(first)")
            return
        }
        #expect(code == 451)
        #expect(try server.messages().isEmpty)
        #expect(await client.send(Self.message(to: "tempfail@kundin.example")) == .sent)
        #expect(try server.messages().count == 1)
    }

    @Test func aPermanentRefusalIsPermanentAndNothingIsDeliveredInPart() async throws {
        let server = try SMTPTestServer()
        defer { server.stop() }
        let client = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(server.port)"))
        var message = Self.message(to: "ap@kundin.example")
        message.to.append(MailMessage.Address(email: "reject@kundin.example"))
        let outcome = await client.send(message)
        guard case .permanent(let code, _) = outcome else {
            Issue.record("expected a permanent outcome, got \(outcome)")
            return
        }
        #expect(code == 550)
        #expect(try server.messages().isEmpty, "one refused recipient: no one gets it")
    }

    @Test func noServerIsTransientWithinTheTimeout() async throws {
        var configuration = try SMTPConfiguration(url: "smtp://127.0.0.1:1")
        configuration.timeout = .seconds(3)
        let outcome = await SMTPClient(configuration: configuration).send(Self.message(to: "ap@kundin.example"))
        guard case .transient = outcome else {
            Issue.record("expected transient, got \(outcome)")
            return
        }
    }

    @Test func starttlsIsUsedWhenOfferedAndTheServersCertificateIsVerified() async throws {
        let server = try SMTPTestServer(tls: .startTLS)
        defer { server.stop() }
        let url = "smtp://kontor:secret@127.0.0.1:\(server.port)"
        let trusted = SMTPClient(configuration: try SMTPConfiguration(url: url + "?ca=\(server.caFile.path)"))
        #expect(await trusted.send(Self.message(to: "ap@kundin.example")) == .sent)
        let envelope = try #require(try server.envelopes().first)
        #expect(envelope["tls"] as? Bool == true, "STARTTLS before MAIL FROM")
        #expect(envelope["auth"] as? Bool == true, "AUTH inside TLS")
        #expect(try server.messages().first?.defects == [])
        // A certificate no trusted CA signed: nothing is sent, and it says why.
        let untrusting = SMTPClient(configuration: try SMTPConfiguration(url: url))
        let refused = await untrusting.send(Self.message(to: "ap@kundin.example"))
        guard case .transient(_, let text) = refused else {
            Issue.record("expected transient, got \(refused)")
            return
        }
        #expect(text.contains("TLS"), "\(text)")
        #expect(try server.messages().count == 1)
    }

    @Test func aServerThatRequiresTLSGetsItAndImplicitTLSWorksFromTheFirstByte() async throws {
        let required = try SMTPTestServer(tls: .startTLSRequired)
        defer { required.stop() }
        let a = SMTPClient(
            configuration: try SMTPConfiguration(
                url: "smtp://127.0.0.1:\(required.port)?tls=required&ca=\(required.caFile.path)"))
        #expect(await a.send(Self.message(to: "ap@kundin.example")) == .sent)
        #expect(try required.envelopes().first?["tls"] as? Bool == true)
        let implicit = try SMTPTestServer(tls: .implicit)
        defer { implicit.stop() }
        let b = SMTPClient(
            configuration: try SMTPConfiguration(url: "smtps://127.0.0.1:\(implicit.port)?ca=\(implicit.caFile.path)"))
        #expect(await b.send(Self.message(to: "ap@kundin.example")) == .sent)
        #expect(try implicit.messages().count == 1)
        // TLS required, a server without STARTTLS: refused before anything is sent.
        let plain = try SMTPTestServer()
        defer { plain.stop() }
        let c = SMTPClient(configuration: try SMTPConfiguration(url: "smtp://127.0.0.1:\(plain.port)?tls=required"))
        let outcome = await c.send(Self.message(to: "ap@kundin.example"))
        #expect(outcome == .permanent(code: 0, text: "the server offers no STARTTLS, and TLS is required"))
        #expect(try plain.messages().isEmpty)
    }

    @Test func theSMTPURLIsCheckedNamingWhatIsWrong() {
        #expect(throws: SMTPConfiguration.ParseError.self) { try SMTPConfiguration(url: "http://host") }
        #expect(throws: SMTPConfiguration.ParseError.self) { try SMTPConfiguration(url: "smtp:///nohost") }
        #expect(throws: SMTPConfiguration.ParseError.self) { try SMTPConfiguration(url: "smtp://host/path") }
        let c = try? SMTPConfiguration(url: "smtp://us%40er:p%3Ass@mail.example:2525")
        #expect(c?.user == "us@er")
        #expect(c?.password == "p:ss")
        #expect(c?.port == 2525)
        #expect(c?.tls == .opportunistic)
        #expect((try? SMTPConfiguration(url: "smtps://mail.example"))?.port == 465)
        #expect((try? SMTPConfiguration(url: "smtps://mail.example"))?.tls == .implicit)
        #expect((try? SMTPConfiguration(url: "smtp://mail.example?tls=required"))?.tls == .required)
        for bad in [
            "smtp://host?tls=maybe", "smtps://host?tls=required", "smtp://host?ca=/no/such.pem", "smtp://host?x=1",
        ] {
            #expect(throws: SMTPConfiguration.ParseError.self, "\(bad)") { try SMTPConfiguration(url: bad) }
        }
    }
}

/// The SMTP state machine alone: the order of commands and how each answer ends a transaction.
@Suite struct SMTPSessionTests {
    func reply(_ code: Int, _ lines: String...) -> SMTPReply { SMTPReply(code: code, lines: lines) }

    @Test func aTransactionSendsTheCommandsInOrderAndIsSentAtTheFinal250() {
        var s = SMTPSession(
            hostName: "k", sender: "a@b", recipients: ["c@d", "e@f"], data: Array("x".utf8),
            credentials: ("u", "p"))
        func sent(_ a: SMTPSession.Action) -> String {
            if case .send(let b) = a { return String(decoding: b, as: UTF8.self) }
            return "\(a)"
        }
        #expect(sent(s.receive(reply(220, "hi"))) == "EHLO k\r\n")
        #expect(sent(s.receive(reply(250, "k", "AUTH PLAIN", "SIZE 100"))) == "AUTH PLAIN AHUAcA==\r\n")
        #expect(sent(s.receive(reply(235, "ok"))) == "MAIL FROM:<a@b>\r\n")
        #expect(sent(s.receive(reply(250, "ok"))) == "RCPT TO:<c@d>\r\n")
        #expect(sent(s.receive(reply(250, "ok"))) == "RCPT TO:<e@f>\r\n")
        #expect(sent(s.receive(reply(250, "ok"))) == "DATA\r\n")
        #expect(sent(s.receive(reply(354, "go"))) == "x\r\n.\r\n")
        #expect(s.receive(reply(250, "queued")) == .finish(.sent, then: Array("QUIT\r\n".utf8)))
        #expect(s.connectionLost() == .sent, "the server took it: a lost QUIT answer changes nothing")
    }

    @Test func aLostConnectionBeforeTheFinal250IsTransient() {
        var s = SMTPSession(hostName: "k", sender: "a@b", recipients: ["c@d"], data: [])
        _ = s.receive(reply(220, "hi"))
        #expect(
            s.connectionLost() == .transient(code: 0, text: "the connection closed before the server took the message"))
    }

    @Test func linesStartingWithADotAreStuffed() {
        #expect(SMTPSession.dotStuffed(Array(".a\n..b\nc.\n".utf8)) == Array("..a\r\n...b\r\nc.".utf8))
    }
}
