import AsyncHTTPClient
import Foundation
import KontorCore
import KontorStore
import Logging
import NIOCore
import NIOHTTP1
import PostgresNIO
import ServiceLifecycle

/// Delivers outbox events to webhook endpoints: at least once, signed (Standard Webhooks),
/// retried with exponential backoff and jitter for a little over three days, every attempt
/// logged. An endpoint whose delivery exhausts the schedule is disabled, with the reason.
public struct WebhookDispatcher: Sendable {
    /// Waits after a failed attempt: attempt 1 is immediate, then 5 s, 5 min, 30 min, 2 h, 5 h,
    /// 10 h, 14 h, 20 h and 24 h — ten attempts over about 75 hours. Each wait is stretched or
    /// shrunk by up to ±10 % (jitter) so that retries of many events do not arrive in lockstep.
    public static let defaultSchedule: [Duration] = [
        .seconds(5), .seconds(300), .seconds(1800), .seconds(7200), .seconds(18_000), .seconds(36_000),
        .seconds(50_400), .seconds(72_000), .seconds(86_400),
    ]

    let database: Database
    let webhooks: WebhookRepository
    let http: HTTPClient
    let schedule: [Duration]
    let timeout: TimeAmount
    let batchSize: Int
    /// A leased delivery not settled within this time is due again (its node died).
    let lease: TimeInterval

    /// A redirect is not a delivery: the client answers a 3xx as it came (a failed attempt,
    /// retried), never follows it with a GET that drops the payload.
    public static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))

    public init(
        database: Database, http: HTTPClient = WebhookDispatcher.client, schedule: [Duration] = Self.defaultSchedule,
        timeout: TimeAmount = .seconds(10), batchSize: Int = 256
    ) {
        self.database = database
        self.webhooks = WebhookRepository(logger: database.logger)
        self.http = http
        self.schedule = schedule
        self.timeout = timeout
        self.batchSize = batchSize
        self.lease = TimeInterval(timeout.nanoseconds / 1_000_000_000) * 2 + 30
    }

    /// Delivers what is due now, batch after batch, until nothing is; returns the number of
    /// attempts made.
    @discardableResult
    public func run(now: @escaping @Sendable () -> Date = { SystemClock().wallNow() }) async throws -> Int {
        var total = 0
        // Batch after batch until nothing is due — or the server is stopping: what is left is
        // due again at the next start (a leased batch, after its lease).
        while !Task.isShuttingDownGracefully {
            let attempts = try await runOnce(now: now)
            guard attempts > 0 else { return total }
            total += attempts
        }
        return total
    }

    /// Leases one batch of due deliveries, posts them concurrently, and settles the batch in one
    /// transaction; returns the number of attempts (0 when nothing was due).
    @discardableResult
    public func runOnce(now: @escaping @Sendable () -> Date = { SystemClock().wallNow() }) async throws -> Int {
        let leased = try await database.transaction { conn in
            try await webhooks.lease(now: now(), lease: lease, limit: batchSize, on: conn)
        }
        guard !leased.isEmpty else { return 0 }
        let outcomes = await withTaskGroup(of: WebhookRepository.Outcome.self) { group in
            for delivery in leased { group.addTask { await deliver(delivery, now: now) } }
            var outcomes: [WebhookRepository.Outcome] = []
            for await outcome in group { outcomes.append(outcome) }
            return outcomes
        }
        try await database.transaction { try await webhooks.record(outcomes, now: now(), on: $0) }
        return leased.count
    }

    /// The signed POST of a delivery (Standard Webhooks: `webhook-id`, `-timestamp`, `-signature`).
    static func request(for delivery: LeasedDelivery, at instant: Date) -> HTTPClientRequest {
        let body = Array(envelope(delivery).utf8)
        let timestamp = Int(instant.timeIntervalSince1970)
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Kontor-Webhooks/1")
        request.headers.add(name: "webhook-id", value: delivery.eventID)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: WebhookSignature.sign(
                secret: delivery.secret, id: delivery.eventID, timestamp: timestamp, body: body)
                ?? "")
        request.body = .bytes(ByteBuffer(bytes: body))
        return request
    }

    func deliver(_ delivery: LeasedDelivery, now: @Sendable () -> Date) async -> WebhookRepository.Outcome {
        let started = now()
        let request = Self.request(for: delivery, at: started)
        let clock = ContinuousClock()
        let start = clock.now
        var statusCode: Int?
        var excerpt: String?
        var failure: String?
        do {
            // Checked again at delivery: the name may resolve elsewhere than at creation. A name
            // that does not resolve in time fails the attempt here (retried later), rather than
            // leaving the HTTP client to block on the same lookup.
            let check = await WebhookTargetPolicy().check(delivery.url, livemode: delivery.livemode)
            if let refusal = check.refusal { throw WebhookTargetRefused(description: "url \(refusal)") }
            guard check.resolved else {
                throw WebhookTargetRefused(description: "url's host did not resolve (within 2 s)")
            }
            let response = try await http.execute(request, timeout: timeout)
            statusCode = Int(response.status.code)
            let bytes = try await response.body.collect(upTo: 64 * 1024)
            excerpt = String(String(buffer: bytes).prefix(500))
        } catch {
            failure = String(describing: error).prefix(500).description
        }
        let elapsed = clock.now - start
        let latency = Int(elapsed.components.seconds * 1000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
        let delivered = statusCode.map { (200..<300).contains($0) } ?? false
        let attempt = DeliveryAttempt(
            attempt: delivery.attempt, attemptedAt: started, statusCode: statusCode, latencyMilliseconds: latency,
            error: failure, responseExcerpt: excerpt
        )
        var retryAt: Date?
        var disableReason: String?
        if !delivered {
            if delivery.attempt <= schedule.count {
                retryAt = now().addingTimeInterval(Self.jittered(schedule[delivery.attempt - 1]))
            } else {
                disableReason =
                    "disabled after \(delivery.attempt) failed attempts to deliver \(delivery.eventID); last: "
                    + (statusCode.map { "HTTP \($0)" } ?? failure ?? "no answer")
                database.logger.warning(
                    "webhook endpoint disabled",
                    metadata: ["endpoint": "\(delivery.endpointID)", "reason": "\(disableReason!)"]
                )
            }
        }
        return WebhookRepository.Outcome(
            attempt: attempt, delivery: delivery, delivered: delivered, retryAt: retryAt, disableReason: disableReason
        )
    }

    /// `{"created_at", "data", "id", "livemode", "tenant", "type"}` with `data` spliced in as
    /// stored, so the payload is exactly what was committed with the change.
    static func envelope(_ d: LeasedDelivery) -> String {
        let created = RFC3339.string(d.eventCreatedAt)
        return
            #"{"created_at":"\#(created)","data":\#(d.eventData),"id":"\#(d.eventID)","livemode":\#(d.livemode),"tenant":"\#(d.tenantID)","type":"\#(d.eventType)"}"#
    }

    static func jittered(_ wait: Duration) -> TimeInterval {
        let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
        return seconds * Double.random(in: 0.9...1.1)
    }
}

/// A delivery not attempted: the endpoint's address is not allowed (`WebhookTargetPolicy`).
struct WebhookTargetRefused: Error, CustomStringConvertible {
    let description: String
}
