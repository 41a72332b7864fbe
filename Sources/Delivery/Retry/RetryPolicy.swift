public import Foundation

/// When to try a failed request again: exponential backoff with jitter, capped, what the
/// receiver asked for when it said how long to wait, and when to give up.
///
/// Pure: the caller passes the attempt number, the failure, a random number and the age of
/// what is being sent, so a table test can walk it without sleeping. Attempt `n` (from 1)
/// that failed recoverably is retried after `ceiling × (1 + random) / 2` seconds, where the
/// ceiling is `min(maxDelay, baseDelay × 2^(n-1))` (half the ceiling, then jitter), or
/// exactly after the receiver's `Retry-After` when it gave one and it is at most
/// `maxRetryAfter`. It gives up on a non-recoverable failure, a longer demand, the last of
/// `maxAttempts`, or once the next attempt would come after `maxAge`.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included. Default 5; `Int.max` when `maxAge` bounds it.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry, in seconds. Default 1.
    public var baseDelay: TimeInterval
    /// The largest backoff ceiling, in seconds. Default 60.
    public var maxDelay: TimeInterval
    /// The longest `Retry-After` honoured, in seconds; a receiver asking for more gives up
    /// now rather than hold a worker. Default 300.
    public var maxRetryAfter: TimeInterval
    /// Seconds from the first attempt after which no further attempt is made; nil for no limit.
    public var maxAge: TimeInterval?

    public init(
        maxAttempts: Int = 5, baseDelay: TimeInterval = 1, maxDelay: TimeInterval = 60, maxRetryAfter: TimeInterval = 300,
        maxAge: TimeInterval? = nil
    ) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
        self.maxAge = maxAge
    }

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
    public func decision(afterAttempt attempt: Int, failure: DeliveryError, random: Double, age: TimeInterval = 0) -> Decision {
        guard failure.recoverable, attempt < maxAttempts else { return .giveUp }
        let delay: TimeInterval
        if let asked = failure.retryAfter {
            guard asked <= maxRetryAfter else { return .giveUp }
            delay = max(0, asked)
        } else {
            let ceiling = ceiling(afterAttempt: attempt)
            delay = ceiling * (1 + min(max(random, 0), 1)) / 2
        }
        if let maxAge, age + delay > maxAge { return .giveUp }
        return .retry(after: delay)
    }

    /// The backoff ceiling after attempt `attempt`: `min(maxDelay, baseDelay × 2^(attempt-1))`.
    public func ceiling(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        return min(maxDelay, baseDelay * pow(2, exponent))
    }
}
