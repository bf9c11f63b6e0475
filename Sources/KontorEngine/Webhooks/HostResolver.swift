import Foundation
import KontorCore
import NIOPosix
import Synchronization

/// Resolves webhook hosts with bounded cost. getaddrinfo blocks — against an unreachable name
/// server for 5 s per try — so every lookup runs on a pool of its own (never on the concurrency
/// pool, never on NIO's shared blocking pool that file I/O also needs), and:
///
/// - a lookup answers within `deadline` or is reported unresolved (the thread finishes the
///   lookup in the background and its answer is still cached);
/// - one host is looked up once at a time: callers asking meanwhile wait for the same answer;
/// - answers are cached (`ttl`; unresolved names `negativeTTL`), so a batch of deliveries to
///   one endpoint costs one lookup, not one per delivery;
/// - with `maxPending` lookups already waiting for a thread, a new host is reported unresolved
///   at once instead of queueing behind them.
///
/// Invariant: nothing awaits a lookup for longer than `deadline`, however many names hang.
/// (Before this, hundreds of deliveries to names that hung queued on two shared threads: API
/// requests that create endpoints waited minutes, and `serve` could not shut down.)
actor HostResolver {
    enum Answer: Sendable, Equatable {
        case addresses([NetworkAddress])
        /// No answer within the deadline, the name does not exist, or the resolver is busy.
        case unresolved
    }

    static let shared = HostResolver()

    let deadline: Duration
    let ttl: Duration
    let negativeTTL: Duration
    let maxPending: Int
    let lookup: @Sendable (String) -> [NetworkAddress]
    private let pool: NIOThreadPool
    private var cache: [String: (answer: Answer, until: ContinuousClock.Instant)] = [:]
    private var inFlight: [String: Task<Answer, Never>] = [:]

    init(
        threads: Int = 8, deadline: Duration = .seconds(2), ttl: Duration = .seconds(60),
        negativeTTL: Duration = .seconds(30), maxPending: Int = 64,
        lookup: @escaping @Sendable (String) -> [NetworkAddress] = WebhookTargetPolicy.resolve
    ) {
        self.deadline = deadline
        self.ttl = ttl
        self.negativeTTL = negativeTTL
        self.maxPending = maxPending
        self.lookup = lookup
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    deinit { pool.shutdownGracefully { _ in } }

    /// Hosts being looked up now (for tests).
    var pendingLookups: Int { inFlight.count }

    /// The host's addresses, or `.unresolved`; never waits longer than `deadline`.
    func resolve(_ host: String) async -> Answer {
        let now = ContinuousClock.now
        if let hit = cache[host], hit.until > now { return hit.answer }
        let lookup: Task<Answer, Never>
        if let running = inFlight[host] {
            lookup = running
        } else {
            guard inFlight.count < maxPending else { return .unresolved }
            lookup = start(host)
            inFlight[host] = lookup
        }
        return await Self.answer(of: lookup, within: deadline)
    }

    /// The lookup on the pool; its answer is cached when it comes, however late.
    private func start(_ host: String) -> Task<Answer, Never> {
        let (pool, lookup) = (pool, lookup)
        return Task {
            let found = (try? await pool.runIfActive { lookup(host) }) ?? []
            let answer: Answer = found.isEmpty ? .unresolved : .addresses(found)
            self.finish(host, answer)
            return answer
        }
    }

    private func finish(_ host: String, _ answer: Answer) {
        inFlight[host] = nil
        cache[host] = (answer, .now + (answer == .unresolved ? negativeTTL : ttl))
        if cache.count > 10_000 { cache = cache.filter { $0.value.until > .now } }
    }

    /// The lookup's answer, or `.unresolved` once `deadline` passed. (Awaiting a task's value
    /// ignores cancellation, so the two race unstructured and the first to finish answers; the
    /// lookup goes on and caches what it finds.)
    private static func answer(of lookup: Task<Answer, Never>, within deadline: Duration) async -> Answer {
        let answered = Mutex(false)
        let claim: @Sendable () -> Bool = {
            answered.withLock { done in
                defer { done = true }
                return !done
            }
        }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Answer, Never>) in
            Task {
                let answer = await lookup.value
                if claim() { continuation.resume(returning: answer) }
            }
            Task {
                try? await Task.sleep(for: deadline)
                if claim() { continuation.resume(returning: .unresolved) }
            }
        }
    }
}
