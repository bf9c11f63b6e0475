import Foundation

/// Results of slow aggregates (totals over a million items) already computed, per key, with
/// the watermark of the books they were computed at; at most one computation per key at a
/// time. A caller waits a moment for a fresh result and otherwise gets the last one (stale) or
/// none yet. Bounded: the oldest keys go first.
actor ResultCache<Key: Hashable & Sendable, Value: Sendable> {
    struct Entry {
        var value: Value
        var watermark: String
        var computedAt: Date
    }

    private var entries: [Key: Entry] = [:]
    private var running: [Key: (watermark: String, task: Task<Void, Never>)] = [:]
    private var order: [Key] = []
    static var capacity: Int { 256 }

    func value(
        _ key: Key, watermark: String, now: Date, wait: Duration,
        _ compute: @escaping @Sendable () async throws -> Value
    ) async -> CachedAnswer<Value> {
        if let e = entries[key], e.watermark == watermark { return .current(e.value) }
        if running[key]?.watermark != watermark {
            let task = Task { [weak self] in
                let result = try? await compute()
                await self?.finish(key, watermark: watermark, now: now, value: result)
            }
            running[key] = (watermark, task)
        }
        // Wait for the computation or the deadline, whichever comes first (the actor is free
        // while this sleeps).
        let deadline = ContinuousClock.now + wait
        while entries[key]?.watermark != watermark, running[key] != nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        if let e = entries[key] {
            return e.watermark == watermark ? .current(e.value) : .stale(e.value, computedAt: e.computedAt)
        }
        return .computing
    }

    private func finish(_ key: Key, watermark: String, now: Date, value: Value?) {
        if running[key]?.watermark == watermark { running[key] = nil }
        guard let value else { return }
        if entries[key] == nil { order.append(key) }
        entries[key] = Entry(value: value, watermark: watermark, computedAt: now)
        while order.count > Self.capacity { entries[order.removeFirst()] = nil }
    }
}

/// A cached aggregate as a page shows it.
public enum CachedAnswer<Value: Sendable>: Sendable {
    /// For the books as they stand.
    case current(Value)
    /// For the books as they stood at `computedAt`; a newer one is being computed.
    case stale(Value, computedAt: Date)
    /// Being computed; nothing to show yet.
    case computing
}
