import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Where mail goes: `KONTOR_SMTP_URL=smtp://user:pass@host:port` (user and password
/// percent-encoded, port 25 by default; STARTTLS whenever the server offers it, `?tls=required`
/// to refuse a server that does not) or `smtps://…` (TLS from the first byte, port 465).
/// The server's certificate is verified against the system's roots, or the CA file of
/// `?ca=/path/ca.pem`, and must name the host.
public struct SMTPConfiguration: Sendable, Equatable {
    public enum TLS: String, Sendable, Equatable {
        /// STARTTLS when the server offers it, plain otherwise.
        case opportunistic
        /// STARTTLS, and no mail to a server that does not offer it.
        case required
        /// TLS from the first byte (`smtps://`).
        case implicit
    }

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
    public var tls: TLS
    /// PEM file of the CA to trust instead of the system's roots.
    public var caFile: String?

    public init(
        host: String, port: Int, user: String? = nil, password: String? = nil, hostName: String = "kontor.localhost",
        timeout: TimeAmount = .seconds(30), tls: TLS = .opportunistic, caFile: String? = nil
    ) {
        self.tls = tls
        self.caFile = caFile
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
        guard scheme == "smtp" || scheme == "smtps" else {
            throw ParseError.invalid("must be smtp://… (STARTTLS when offered) or smtps://… (implicit TLS)")
        }
        guard let host = url.host, !host.isEmpty else { throw ParseError.invalid("has no host") }
        guard url.path.isEmpty || url.path == "/" else { throw ParseError.invalid("takes no path") }
        var tls: TLS = scheme == "smtps" ? .implicit : .opportunistic
        var caFile: String?
        for item in url.queryItems ?? [] {
            switch (item.name, item.value) {
            case ("tls", "required"?) where scheme == "smtp": tls = .required
            case ("tls", _): throw ParseError.invalid("?tls= can only be required (with smtp://)")
            case ("ca", let path?) where !path.isEmpty:
                guard FileManager.default.isReadableFile(atPath: path) else {
                    throw ParseError.invalid("?ca= names no readable file: \(path)")
                }
                caFile = path
            default: throw ParseError.invalid("has an unknown parameter ?\(item.name)= (tls, ca)")
            }
        }
        self.init(
            host: host, port: url.port ?? (scheme == "smtps" ? 465 : 25),
            user: url.percentEncodedUser?.removingPercentEncoding,
            password: url.percentEncodedPassword?.removingPercentEncoding, tls: tls, caFile: caFile)
        guard (1...65535).contains(port) else { throw ParseError.invalid("has no valid port") }
    }

    /// The TLS client context: TLS 1.2 or later, the server's certificate verified for `host`.
    func tlsContext() throws -> NIOSSLContext {
        var c = TLSConfiguration.makeClientConfiguration()
        c.minimumTLSVersion = .tlsv12
        c.certificateVerification = .fullVerification
        if let caFile { c.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile)) }
        return try NIOSSLContext(configuration: c)
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
            credentials: c.user.map { ($0, c.password ?? "") }, canStartTLS: c.tls != .implicit,
            requireTLS: c.tls == .required, inTLS: c.tls == .implicit)
        let context: NIOSSLContext
        do {
            context = try c.tlsContext()
        } catch {
            return .transient(code: 0, text: "TLS is not set up: \(error)")
        }
        let group = self.group
        do {
            return try await withDeadline(c.timeout) { try await Self.attempt(session, c, context, group) }
        } catch is SMTPTimeout {
            return .transient(
                code: 0, text: "the SMTP server did not answer within \(c.timeout.nanoseconds / 1_000_000_000) s")
        } catch let e as SMTPTLSFailed {
            return .transient(
                code: 0, text: "TLS with the SMTP server failed (is its certificate trusted?): \(e.underlying)")
        } catch let e as NIOSSLError {
            return .transient(code: 0, text: "TLS with the SMTP server failed: \(e)")
        } catch let e as BoringSSLError {
            return .transient(code: 0, text: "TLS with the SMTP server failed (is its certificate trusted?): \(e)")
        } catch {
            return .transient(code: 0, text: "SMTP connection failed: \(error)")
        }
    }

    /// One connection, one transaction. A 250 for the message ends it at once (`finish`).
    /// TLS goes in front of the line decoder: at connect (`smtps`), or after the server's 220
    /// to STARTTLS, when nothing else is in flight (the session sends nothing until then).
    static func attempt(
        _ start: SMTPSession, _ c: SMTPConfiguration, _ tls: NIOSSLContext, _ group: any EventLoopGroup
    ) async throws -> SMTPOutcome {
        var session = start
        let serverName = c.host.allSatisfy { $0.isNumber || $0 == "." || $0 == ":" } ? nil : c.host
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(c.timeout)
            .connect(host: c.host, port: c.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if c.tls == .implicit {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let underlying = channel.channel
        // Once TLS is asked for, whatever fails is the TLS's failing (a refused certificate
        // may surface as the connection closing under the next write).
        var secured = c.tls == .implicit
        do {
            return try await exchange(&session, channel, underlying, tls, serverName, &secured)
        } catch  where secured && !(error is SMTPTimeout) {
            throw SMTPTLSFailed(underlying: error)
        }
    }

    static func exchange(
        _ session: inout SMTPSession, _ channel: NIOAsyncChannel<String, ByteBuffer>, _ underlying: any Channel,
        _ tls: NIOSSLContext, _ serverName: String?, _ secured: inout Bool
    ) async throws -> SMTPOutcome {
        try await channel.executeThenClose { inbound, outbound in
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
                    secured = true
                    try await underlying.eventLoop.submit {
                        try underlying.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: serverName), position: .first)
                    }.get()
                    if case .send(let bytes) = session.tlsStarted() {
                        try await outbound.write(ByteBuffer(bytes: bytes))
                    }
                }
            }
            return session.connectionLost()
        }
    }
}

struct SMTPTimeout: Error {}

/// An error after TLS was started or asked for.
struct SMTPTLSFailed: Error {
    let underlying: any Error
}

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
