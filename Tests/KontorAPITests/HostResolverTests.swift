import Foundation
import KontorCore
import Synchronization
import Testing

@testable import KontorEngine

/// Webhook host lookups are bounded: a name whose lookup hangs costs its callers at most the
/// deadline, one host is looked up once at a time and then cached, and a resolver with too
/// many lookups waiting refuses new ones at once.
@Suite struct HostResolverTests {
    final class Lookups: Sendable {
        let count = Mutex(0)
        func lookup(_ host: String, sleeping seconds: Double) -> [NetworkAddress] {
            count.withLock { $0 += 1 }
            Thread.sleep(forTimeInterval: seconds)
            return host.hasPrefix("ok") ? [.v4(93, 184, 215, 14)] : []
        }
    }

    @Test func aHangingLookupCostsAtMostTheDeadline() async {
        let lookups = Lookups()
        let resolver = HostResolver(threads: 2, deadline: .milliseconds(200)) { lookups.lookup($0, sleeping: 20) }
        let started = ContinuousClock.now
        let answer = await resolver.resolve("ok.hangs.example")
        #expect(answer == .unresolved)
        // Far less than the lookup takes. The bound is loose on purpose: with the whole suite on
        // two cores the concurrency pool can be busy for seconds before the deadline's wake-up
        // runs (clean-clone CI once saw 3.02 s against a bound of 3 s).
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func oneHostIsLookedUpOnceAndThenCached() async {
        let lookups = Lookups()
        let resolver = HostResolver(threads: 2, deadline: .seconds(2)) { lookups.lookup($0, sleeping: 0.2) }
        let answers = await withTaskGroup(of: HostResolver.Answer.self) { group in
            for _ in 0..<50 { group.addTask { await resolver.resolve("ok.example") } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(answers.allSatisfy { $0 == .addresses([.v4(93, 184, 215, 14)]) })
        #expect(await resolver.resolve("ok.example") == .addresses([.v4(93, 184, 215, 14)]))
        #expect(lookups.count.withLock { $0 } == 1)
    }

    @Test func aBusyResolverAnswersUnresolvedAtOnce() async {
        let lookups = Lookups()
        // The deadline is long, so answering at once (not after the deadline) is what is measured.
        let resolver = HostResolver(threads: 1, deadline: .seconds(10), maxPending: 2) {
            lookups.lookup($0, sleeping: 20)
        }
        async let a = resolver.resolve("a.example")
        async let b = resolver.resolve("b.example")
        while await resolver.pendingLookups < 2 { try? await Task.sleep(for: .milliseconds(20)) }
        let started = ContinuousClock.now
        #expect(await resolver.resolve("c.example") == .unresolved)
        #expect(ContinuousClock.now - started < .seconds(7))
        #expect(lookups.count.withLock { $0 } <= 2)
        _ = await (a, b)
    }
}
