public import Foundation
public import Transport

extension RetryPolicy {
    /// The outbox dispatcher's default: backoff capped at 30 s, `Retry-After` honoured up to
    /// an hour, and a message a dead letter once it is an hour old.
    public static let delivery = RetryPolicy(maxAttempts: .max, baseDelay: 1, maxDelay: 30, maxRetryAfter: 3600, maxAge: 3600)

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Hashable {
        /// Try again after this many seconds.
        case retry(after: TimeInterval)
        /// Stop: the message is a dead letter.
        case giveUp
    }

    /// The decision after attempt number `attempt` (from 1) failed with `failure`; `random`
    /// is uniform in `0..<1`; `age` is the seconds since what is sent was made.
    ///
    /// With a `maxAge`, a recoverable failure is never given up before the message is that
    /// old: a wait that would end later (a receiver in maintenance asking for two hours)
    /// is cut to one last attempt as the age runs out, so a receiver back early still gets
    /// it. Without one, a `Retry-After` longer than `maxRetryAfter` gives up at once.
    public func decision(afterAttempt attempt: Int, failure: DeliveryError, random: Double, age: TimeInterval = 0) -> Decision {
        guard failure.recoverable, attempt < maxAttempts else { return .giveUp }
        var delay: TimeInterval
        if let asked = failure.retryAfter {
            guard asked <= maxRetryAfter || maxAge != nil else { return .giveUp }
            delay = max(0, asked)
        } else {
            let ceiling = ceiling(afterAttempt: attempt)
            delay = ceiling * (1 + min(max(random, 0), 1)) / 2
        }
        if let maxAge {
            let left = maxAge - age
            guard left > 0 else { return .giveUp }
            delay = min(delay, left)
        }
        return .retry(after: delay)
    }
}
