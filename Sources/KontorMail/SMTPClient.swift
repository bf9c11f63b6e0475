import Foundation
import NIOCore
import NIOPosix

/// Where mail goes: `KONTOR_SMTP_URL=smtp://user:pass@host:port` (user and password
/// percent-encoded, port 25 by default).
public struct SMTPConfiguration: Sendable, Equatable {
    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case invalid(String)

        public var description: String {
            switch self {
            case .invalid(let why): "KONTOR_SMTP_URL \(why)"
            }
        }
    }

    public var host: String
    public var port: Int
    public var user: String?
    public var password: String?
    /// The name this client greets with (`EHLO`).
    public var hostName: String
    public var timeout: TimeAmount

    public init(
        host: String, port: Int, user: String? = nil, password: String? = nil, hostName: String = "kontor.localhost",
        timeout: TimeAmount = .seconds(30)
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.hostName = hostName
        self.timeout = timeout
    }

    public init(url text: String) throws {
        guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased() else {
            throw ParseError.invalid("is not a URL")
        }
        guard scheme == "smtp" else {
            throw ParseError.invalid("must be smtp://… (implicit TLS, smtps://, is not supported yet)")
        }
        guard let host = url.host, !host.isEmpty else { throw ParseError.invalid("has no host") }
        guard (url.path.isEmpty || url.path == "/"), url.query == nil else {
            throw ParseError.invalid("takes no path or query")
        }
        self.init(
            host: host, port: url.port ?? 25, user: url.percentEncodedUser?.removingPercentEncoding,
            password: url.percentEncodedPassword?.removingPercentEncoding)
        guard (1...65535).contains(port) else { throw ParseError.invalid("has no valid port") }
    }
}

/// Sends one message per connection over SMTP: the I/O around `SMTPSession`. Every step is
/// bounded by the configuration's timeout; an error or timeout before the server took the
/// message is a transient outcome (try again), never a thrown error the caller must classify.
public struct SMTPClient: Sendable {
    public let configuration: SMTPConfiguration
    let group: any EventLoopGroup

    public init(configuration: SMTPConfiguration, group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.configuration = configuration
        self.group = group
    }

    public func send(_ message: MailMessage) async -> SMTPOutcome {
        await send(
            message.rendered(), from: message.from.email, to: message.to.map(\.email))
    }

    public func send(_ data: [UInt8], from sender: String, to recipients: [String]) async -> SMTPOutcome {
        guard !recipients.isEmpty else { return .permanent(code: 0, text: "no recipient") }
        let c = configuration
        let session = SMTPSession(
            hostName: c.hostName, sender: sender, recipients: recipients, data: data,
            credentials: c.user.map { ($0, c.password ?? "") })
        let group = self.group
        do {
            return try await withDeadline(c.timeout) { try await Self.attempt(session, c, group) }
        } catch is SMTPTimeout {
            return .transient(
                code: 0, text: "the SMTP server did not answer within \(c.timeout.nanoseconds / 1_000_000_000) s")
        } catch {
            return .transient(code: 0, text: "SMTP connection failed: \(error)")
        }
    }

    /// One connection, one transaction. A 250 for the message ends it at once (`finish`).
    static func attempt(_ start: SMTPSession, _ c: SMTPConfiguration, _ group: any EventLoopGroup) async throws
        -> SMTPOutcome
    {
        var session = start
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(c.timeout)
            .connect(host: c.host, port: c.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var reader = SMTPReplyReader()
            for try await line in inbound {
                guard let reply = try reader.read(line) else { continue }
                switch session.receive(reply) {
                case .send(let bytes):
                    try await outbound.write(ByteBuffer(bytes: bytes))
                case .finish(let outcome, let then):
                    if !then.isEmpty { try? await outbound.write(ByteBuffer(bytes: then)) }
                    return outcome
                case .startTLS:
                    return .permanent(code: 0, text: "the server offers STARTTLS, which this client does not speak yet")
                }
            }
            return session.connectionLost()
        }
    }
}

struct SMTPTimeout: Error {}

/// `body`'s result, or `SMTPTimeout` after `limit`.
func withDeadline<T: Sendable>(_ limit: TimeAmount, _ body: @escaping @Sendable () async throws -> T) async throws -> T
{
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(limit.nanoseconds))
            throw SMTPTimeout()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Lines ending in CRLF (or LF), without the line end; a line over 4 KB is an error.
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    struct LineTooLong: Error {}

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: 10) else {
            if buffer.readableBytes > 4096 { throw LineTooLong() }
            return .needMoreData
        }
        let length = end - buffer.readerIndex
        var line = buffer.readString(length: length) ?? ""
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(wrapInboundOut(line))
        return .continue
    }
}
