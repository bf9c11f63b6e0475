import Synchronization

/// The answer of `work`, or `fallback` once `limit` has passed — whichever comes first.
///
/// Unlike a task group, this does not wait for `work` to notice its cancellation: a call stuck
/// on a server that accepted a connection and never answers cannot hold up its caller (the
/// database monitor, the host search). `work` is cancelled at the deadline and finishes on its
/// own time.
func firstAnswer<Answer: Sendable>(
    within limit: Duration, otherwise fallback: Answer, _ work: @escaping @Sendable () async -> Answer
) async -> Answer {
    let pending = Mutex<CheckedContinuation<Answer, Never>?>(nil)
    return await withCheckedContinuation { (continuation: CheckedContinuation<Answer, Never>) in
        pending.withLock { $0 = continuation }
        let answer: @Sendable (Answer) -> Void = { value in
            pending.withLock { waiting in
                waiting?.resume(returning: value)
                waiting = nil
            }
        }
        let asking = Task { answer(await work()) }
        Task {
            try? await Task.sleep(for: limit)
            answer(fallback)
            asking.cancel()
        }
    }
}
