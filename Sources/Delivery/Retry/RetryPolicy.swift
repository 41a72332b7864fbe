public import Foundation

/// When to try a failed delivery again: exponential backoff with full jitter, capped, and
/// what the receiver asked for when it said how long to wait.
///
/// Pure: the caller passes the attempt number, the failure and a random number, so a table
/// test can walk it without sleeping. Attempt `n` (from 1) that failed recoverably is
/// retried after `random × min(maxDelay, baseDelay × 2^(n-1))` seconds, or exactly after the
/// receiver's `Retry-After` when it gave one and it is at most `maxRetryAfter`; a longer
/// demand gives up at once, as do non-recoverable failures and the last attempt.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in all, the first included. Default 5.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry, in seconds. Default 1.
    public var baseDelay: TimeInterval
    /// The largest backoff ceiling, in seconds. Default 60.
    public var maxDelay: TimeInterval
    /// The longest `Retry-After` honoured, in seconds; a receiver asking for more makes the
    /// message a dead letter now rather than hold a worker. Default 300.
    public var maxRetryAfter: TimeInterval

    public init(maxAttempts: Int = 5, baseDelay: TimeInterval = 1, maxDelay: TimeInterval = 60, maxRetryAfter: TimeInterval = 300) {
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.maxRetryAfter = maxRetryAfter
    }

    /// What to do after a failed attempt.
    public enum Decision: Sendable, Hashable {
        /// Try again after this many seconds.
        case retry(after: TimeInterval)
        /// Stop: the message is a dead letter.
        case giveUp
    }

    /// The decision after attempt number `attempt` (from 1) failed with `failure`; `random`
    /// is uniform in `0..<1`.
    public func decision(afterAttempt attempt: Int, failure: DeliveryError, random: Double) -> Decision {
        guard failure.recoverable, attempt < maxAttempts else { return .giveUp }
        if let asked = failure.retryAfter {
            return asked <= maxRetryAfter ? .retry(after: max(0, asked)) : .giveUp
        }
        return .retry(after: min(max(random, 0), 1) * ceiling(afterAttempt: attempt))
    }

    /// The backoff ceiling after attempt `attempt`: `min(maxDelay, baseDelay × 2^(attempt-1))`.
    public func ceiling(afterAttempt attempt: Int) -> TimeInterval {
        let exponent = Double(min(max(attempt - 1, 0), 62))
        return min(maxDelay, baseDelay * pow(2, exponent))
    }
}
