import Foundation

/// When a declined automatic charge is tried again (dunning of the card, before any letter).
///
/// Soft declines (insufficient funds, issuer unavailable) are retried `days` after the first
/// attempt — by default after 1, 3, 5 and 7 days; hard declines (stolen or expired card) never,
/// because trying again cannot succeed and card networks penalise it.
public struct RetrySchedule: Hashable, Sendable {
    public let days: [Int]

    public static let standard = RetrySchedule(days: [1, 3, 5, 7])

    public init(days: [Int]) {
        self.days = days.sorted()
    }

    /// The next attempt after attempt number `attempt` (1-based) failed, counted from the first
    /// attempt; `nil` when the schedule is exhausted.
    public func nextAttempt(after attempt: Int, firstAttemptAt: Date) -> Date? {
        guard attempt >= 1, attempt <= days.count else { return nil }
        return firstAttemptAt.addingTimeInterval(TimeInterval(days[attempt - 1]) * 86_400)
    }
}

/// How a charge was declined.
public enum DeclineKind: String, Hashable, Sendable {
    case soft, hard
}
