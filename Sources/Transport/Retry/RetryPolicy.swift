public import Foundation

/// When to try a failed request again: exponential backoff with jitter, capped, what the
/// receiver asked for when it said how long to wait, and when to give up.
///
/// Sources use its bounds and `ceiling(afterAttempt:)` for their own HTTP retries; Delivery
/// adds the decision for a failed delivery (`decision(afterAttempt:failure:random:age:)`).
///
/// Pure: the caller passes the attempt number, the failure, a random number and the age of
/// what is being sent, so a table test can walk it without sleeping. Attempt `n` (from 1)
/// that failed recoverably is retried after `ceiling × (1 + random) / 2` seconds, where the
/// ceiling is `min(maxDelay, baseDelay × 2^(n-1))` (half the ceiling, then jitter), or
/// exactly after the receiver's `Retry-After` when it gave one and it is at most
/// `maxRetryAfter`. It gives up on a non-recoverable failure, the last of `maxAttempts`, a
/// longer demand when no `maxAge` is set, or once the message is `maxAge` old; a wait past
/// `maxAge` is cut to one last attempt as it runs out.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included. Default 5; `Int.max` when `maxAge` bounds it.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry, in seconds. Default 1.
    public var baseDelay: TimeInterval
    /// The largest backoff ceiling, in seconds. Default 60.
    public var maxDelay: TimeInterval
    /// The longest `Retry-After` honoured, in seconds; a receiver asking for more gives up
    /// now rather than hold a worker, unless `maxAge` bounds the wait instead. Default 300.
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

    /// The backoff ceiling after attempt `attempt`: `min(maxDelay, baseDelay × 2^(attempt-1))`.
    public func ceiling(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        return min(maxDelay, baseDelay * pow(2, exponent))
    }
}
