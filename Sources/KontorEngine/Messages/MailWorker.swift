import Foundation
import KontorCore
import KontorDocuments
import KontorMail
import KontorStore
import PostgresNIO
import ServiceLifecycle

/// The mail worker, in two steps, each its own transaction — never a business operation's:
///
/// 1. **Compose**: reads each tenant's outbox after its cursor for `document.created` PDFs of
///    invoices, credit notes and notices, and makes one message per document (the unique key
///    makes a rerun harmless) with the PDF as archived; a customer without e-mail, or a tenant
///    without a sender address, gives a `failed` message saying so.
/// 2. **Deliver**: claims due queued messages (`SKIP LOCKED`), hands each to the transport and
///    records the outcome: sent; a 4xx queued again after `MessageRetry`'s delay, failed after
///    the last attempt; a 5xx failed at once. `message.sent` / `message.failed` announce it.
///
/// Delivery is claimed and committed before the first byte is sent, and each outcome committed
/// right after the server's answer: a crash mid-send leaves that one message `sending` until its
/// lease expires, then it is sent again (the server never took what it did not answer 250 to).
/// Only a crash between the 250 and the commit sends a message twice — with the same bytes and
/// Message-ID, which receivers use to drop the copy.
public struct MailWorker: Sendable {
    let database: Database
    let messages: MessageRepository
    let tenants: TenantRepository
    let outbox: EventOutbox
    let transport: (any MailTransport)?
    let batchSize: Int
    let links: PortalLinkRepository
    let templateStore: MessageTemplateRepository
    let policies: DunningPolicyRepository
    let portalURL: String
    /// How long a claimed message is the claiming worker's (longer than any SMTP exchange).
    let leaseSeconds: TimeInterval

    public init(
        database: Database, transport: (any MailTransport)?, portalURL: String = "http://127.0.0.1:8080",
        batchSize: Int = 200, leaseSeconds: TimeInterval = 120
    ) {
        self.leaseSeconds = leaseSeconds
        self.links = PortalLinkRepository(logger: database.logger)
        self.templateStore = MessageTemplateRepository(logger: database.logger)
        self.policies = DunningPolicyRepository(logger: database.logger)
        self.portalURL = portalURL
        self.database = database
        self.messages = MessageRepository(logger: database.logger)
        self.tenants = TenantRepository(database: database)
        self.outbox = EventOutbox(logger: database.logger)
        self.transport = transport
        self.batchSize = batchSize
    }

    /// Composes what was archived and delivers what is due; returns how many messages were made
    /// and how many attempts were made.
    @discardableResult
    public func run(now: Date, tenantID: String? = nil) async throws -> (made: Int, attempted: Int) {
        var made = 0
        let ids = try await database.withConnection {
            try await messages.tenantsWithPending(tenantID: tenantID, on: $0)
        }
        for id in ids {
            while !Task.isShuttingDownGracefully {
                let (scanned, stored) = try await database.transaction {
                    try await compose(tenantID: id, now: now, on: $0)
                }
                made += stored
                if scanned < batchSize { break }
            }
        }
        guard let transport else { return (made, 0) }
        var attempted = 0
        while !Task.isShuttingDownGracefully {
            let n = try await deliver(now: now, tenantID: tenantID, transport: transport)
            attempted += n
            if n < 20 { break }
        }
        return (made, attempted)
    }

    func compose(tenantID: String, now: Date, on conn: PostgresConnection) async throws -> (Int, Int) {
        guard let cursor = try await messages.lockCursor(tenantID: tenantID, on: conn) else { return (0, 0) }
        let pending = try await messages.pending(tenantID: tenantID, after: cursor, limit: batchSize, on: conn)
        guard let last = pending.last else { return (0, 0) }
        let profile = try await tenants.profile(tenantID, on: conn)
        var batch = try await MailBatch.load(
            pending.events, profile: profile, portalURL: portalURL, now: now, worker: self, on: conn)
        for e in pending.events { batch.write(e) }
        let made = batch.made
        let stored = Set(try await messages.insert(made, tenantID: tenantID, on: conn))
        try await outbox.append(
            made.filter { stored.contains($0.id) && $0.status == .failed }.map {
                .message(.messageFailed, MessageJSON($0))
            },
            at: now, tenantID: tenantID, livemode: profile.livemode, on: conn)
        try await messages.advance(tenantID: tenantID, to: last, on: conn)
        return (pending.scanned, stored.count)
    }

    /// Claims up to 20 due messages (committed before anything is sent), then sends each and
    /// commits its outcome at once: a crash mid-send leaves only the message being sent
    /// unresolved, and it is sent again once its lease has expired.
    func deliver(now: Date, tenantID: String?, transport: any MailTransport) async throws -> Int {
        let due = try await database.transaction {
            try await messages.claimDue(now: now, limit: 20, lease: leaseSeconds, tenantID: tenantID, on: $0)
        }
        var livemode: [String: Bool] = [:]
        for (tenant, var m) in due {
            let outcome: SMTPOutcome =
                if let content = m.content, let sender = m.sender, let recipient = m.recipient {
                    await transport.deliver([UInt8](content), from: sender, to: [recipient])
                } else {
                    .permanent(code: 0, text: "nothing to send")
                }
            switch outcome {
            case .sent:
                m.status = .sent
                m.sentAt = now
                m.nextAttemptAt = nil
                m.lastError = nil
            case .transient(let code, let text):
                m.lastError = code == 0 ? text : "\(code) \(text)"
                if let delay = MessageRetry.delay(afterAttempt: m.attempts) {
                    m.status = .queued
                    m.nextAttemptAt = now.addingTimeInterval(delay)
                } else {
                    m.status = .failed
                    m.nextAttemptAt = nil
                }
            case .permanent(let code, let text):
                m.status = .failed
                m.nextAttemptAt = nil
                m.lastError = code == 0 ? text : "\(code) \(text)"
            }
            let message = m
            try await database.transaction { conn in
                guard
                    try await messages.record(
                        message.id, tenantID: tenant, status: message.status, nextAttemptAt: message.nextAttemptAt,
                        error: message.lastError, sentAt: message.sentAt, on: conn),
                    message.status != .queued
                else { return }
                if livemode[tenant] == nil { livemode[tenant] = try await tenants.profile(tenant, on: conn).livemode }
                var announced = message
                announced.content = nil
                try await outbox.append(
                    [.message(message.status == .sent ? .messageSent : .messageFailed, MessageJSON(announced))],
                    at: now, tenantID: tenant, livemode: livemode[tenant] ?? false, on: conn)
            }
        }
        return due.count
    }
}
