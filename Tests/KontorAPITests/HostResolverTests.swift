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
        let resolver = HostResolver(threads: 2, deadline: .milliseconds(200)) { lookups.lookup($0, sleeping: 6) }
        let started = ContinuousClock.now
        let answer = await resolver.resolve("ok.hangs.example")
        #expect(answer == .unresolved)
        // Far less than the lookup takes (a loaded machine may add a second to the deadline).
        #expect(ContinuousClock.now - started < .seconds(3))
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
        let resolver = HostResolver(threads: 1, deadline: .milliseconds(100), maxPending: 2) {
            lookups.lookup($0, sleeping: 2)
        }
        _ = await resolver.resolve("a.example")
        _ = await resolver.resolve("b.example")
        let started = ContinuousClock.now
        #expect(await resolver.resolve("c.example") == .unresolved)
        #expect(ContinuousClock.now - started < .milliseconds(500))
        #expect(lookups.count.withLock { $0 } <= 2)
    }
}
