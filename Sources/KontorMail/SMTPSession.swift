import Foundation

/// One SMTP reply (RFC 5321 § 4.2): a code and its text lines.
public struct SMTPReply: Sendable, Equatable {
    public var code: Int
    public var lines: [String]

    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    public var text: String { lines.joined(separator: " ") }
    public var isPositive: Bool { (200..<400).contains(code) }
    public var isTransient: Bool { (400..<500).contains(code) }
}

/// Collects reply lines (`250-…` continues, `250 …` ends) into replies.
struct SMTPReplyReader {
    var pending: [String] = []

    enum Failure: Error, Equatable { case malformed(String) }

    /// The reply this line completes, or nil while it continues.
    mutating func read(_ line: String) throws -> SMTPReply? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)),
            (200..<600).contains(code)
        else { throw Failure.malformed(line) }
        let separator = bytes.count > 3 ? bytes[3] : UInt8(ascii: " ")
        pending.append(bytes.count > 4 ? String(decoding: bytes[4...], as: UTF8.self) : "")
        guard separator != UInt8(ascii: "-") else { return nil }
        defer { pending = [] }
        return SMTPReply(code: code, lines: pending)
    }
}

/// How one delivery attempt ended.
public enum SMTPOutcome: Sendable, Equatable {
    case sent
    /// 4xx (or no answer): try again later.
    case transient(code: Int, text: String)
    /// 5xx: the server will not take this message; do not try again.
    case permanent(code: Int, text: String)
}

/// The client side of one SMTP transaction as a pure state machine (no I/O): it is told each
/// reply and answers with what to do next. The I/O around it (`SMTPClient`) only reads lines,
/// writes bytes and, when told, starts TLS.
///
/// Invariants: the message is sent only after every recipient was accepted (one refused
/// recipient fails the attempt: a partial delivery would be sent twice on retry); a 4xx at any
/// step ends the attempt as transient, a 5xx as permanent; after `DATA`'s final 250 the
/// outcome is `sent` whatever the `QUIT` gets.
public struct SMTPSession: Sendable {
    public enum Action: Sendable, Equatable {
        case send([UInt8])
        /// Start TLS on the connection, then call `tlsStarted()`.
        case startTLS
        /// Write these bytes (`QUIT`) and end with this outcome, not waiting for the answer:
        /// once the server took the message nothing it says later can undo that.
        case finish(SMTPOutcome, then: [UInt8])
    }

    enum State: Sendable, Equatable {
        case greeting, ehlo, startTLS, auth, mailFrom, recipient(Int), data, body, quit(SMTPOutcome), done
    }

    let hostName: String
    let sender: String
    let recipients: [String]
    let data: [UInt8]
    let credentials: (user: String, password: String)?
    let canStartTLS: Bool
    let requireTLS: Bool
    var state = State.greeting
    var inTLS: Bool
    var lastOutcome: SMTPOutcome?

    public init(
        hostName: String, sender: String, recipients: [String], data: [UInt8],
        credentials: (user: String, password: String)? = nil, canStartTLS: Bool = false, requireTLS: Bool = false,
        inTLS: Bool = false
    ) {
        self.hostName = hostName
        self.sender = sender
        self.recipients = recipients
        self.data = data
        self.credentials = credentials
        self.canStartTLS = canStartTLS
        self.requireTLS = requireTLS
        self.inTLS = inTLS
    }

    public mutating func receive(_ reply: SMTPReply) -> Action {
        if case .quit(let outcome) = state {
            state = .done
            return .finish(outcome, then: [])
        }
        guard reply.isPositive else { return fail(reply) }
        switch state {
        case .greeting:
            state = .ehlo
            return command("EHLO \(hostName)")
        case .ehlo:
            let extensions = Set(
                reply.lines.dropFirst().map { $0.split(separator: " ").first.map { $0.uppercased() } ?? "" })
            if !inTLS && canStartTLS && extensions.contains("STARTTLS") {
                state = .startTLS
                return command("STARTTLS")
            }
            if requireTLS && !inTLS {
                return finishNow(.permanent(code: 0, text: "the server offers no STARTTLS, and TLS is required"))
            }
            if let credentials {
                state = .auth
                let token = Data(([0] + Array(credentials.user.utf8) + [0] + Array(credentials.password.utf8)))
                return command("AUTH PLAIN \(token.base64EncodedString())")
            }
            state = .mailFrom
            return command("MAIL FROM:<\(sender)>")
        case .startTLS:
            return .startTLS
        case .auth:
            state = .mailFrom
            return command("MAIL FROM:<\(sender)>")
        case .mailFrom:
            state = .recipient(0)
            return command("RCPT TO:<\(recipients[0])>")
        case .recipient(let i):
            if i + 1 < recipients.count {
                state = .recipient(i + 1)
                return command("RCPT TO:<\(recipients[i + 1])>")
            }
            state = .data
            return command("DATA")
        case .data:
            state = .body
            return .send(Self.dotStuffed(data) + Array("\r\n.\r\n".utf8))
        case .body:
            return finishNow(.sent)
        case .quit, .done:
            return .finish(.sent, then: [])
        }
    }

    /// After TLS is up: greet again (RFC 3207 § 4.2: the server forgets what it said before).
    public mutating func tlsStarted() -> Action {
        inTLS = true
        state = .ehlo
        return command("EHLO \(hostName)")
    }

    /// The connection ended before the transaction did.
    public func connectionLost() -> SMTPOutcome {
        if case .quit(let outcome) = state { return outcome }
        if let lastOutcome { return lastOutcome }
        return .transient(code: 0, text: "the connection closed before the server took the message")
    }

    mutating func fail(_ reply: SMTPReply) -> Action {
        let outcome: SMTPOutcome =
            reply.isTransient
            ? .transient(code: reply.code, text: reply.text) : .permanent(code: reply.code, text: reply.text)
        return finishNow(outcome)
    }

    mutating func finishNow(_ outcome: SMTPOutcome) -> Action {
        state = .done
        lastOutcome = outcome
        return .finish(outcome, then: Array("QUIT\r\n".utf8))
    }

    func command(_ line: String) -> Action { .send(Array((line + "\r\n").utf8)) }

    /// CRLF line ends, and a line that starts with `.` gets one more (RFC 5321 § 4.5.2).
    static func dotStuffed(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.count + 64)
        var atLineStart = true
        var previous: UInt8 = 0
        for b in data {
            if b == 10 && previous != 13 { out.append(13) }
            if atLineStart && b == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            out.append(b)
            atLineStart = b == 10
            previous = b
        }
        if previous != 10 { out += [13, 10] }
        // The terminator adds its own CRLF before the dot: drop the one just written.
        out.removeLast(2)
        return out
    }
}
