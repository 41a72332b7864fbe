public import Foundation
public import Transport

/// How a ticket source talks HTTP: timeouts, retries, rate-limit pacing and paging bounds.
/// The defaults suit the helpdesk APIs; every source takes one.
public struct SourceHTTPSettings: Sendable {
    /// Seconds one request may take, connecting included. Default 30.
    public var timeout: TimeInterval
    /// Attempts per request and the backoff between them (exponential, half jittered),
    /// and the longest `Retry-After` honoured. A 429 or 5xx after the last attempt, or a
    /// 429 asking for more than `maxRetryAfter`, fails the poll; the next poll starts over.
    /// Default: 4 attempts, 1 s doubling to at most 30 s, `Retry-After` up to 120 s.
    public var retry: RetryPolicy
    /// When a response says only this many requests remain in the rate-limit window
    /// (`X-RateLimit-Remaining`, `RateLimit-Remaining`, Zendesk's `ratelimit-remaining`),
    /// the next request waits for the window to reset. Default 2.
    public var lowRemaining: Int
    /// Seconds to wait when the remaining budget is low and no reset header says how long
    /// (Freshdesk sends none). Default 10.
    public var lowRemainingPause: TimeInterval
    /// Pages one poll reads at most; an incremental source continues where it stopped at the
    /// next poll, a snapshot source reports an error. Default 500.
    public var maxPages: Int
    /// Response bytes kept per page; a longer page fails as `bad_response`. Default 16 MiB.
    public var maxResponseBytes: Int
    /// A number in `0..<1` for the backoff jitter; tests pin it.
    public var random: @Sendable () -> Double
    /// Told of each wait of `longWait` seconds or more before a request (a `Retry-After`, a
    /// spent rate-limit budget, a backoff), in a sentence naming the source, the host and
    /// why: a person running `evaluate` otherwise sees nothing for minutes. Nil: untold.
    public var onLongWait: (@Sendable (String) -> Void)?
    /// Seconds from which a wait is told. Default 5.
    public var longWait: TimeInterval = 5

    public init(
        timeout: TimeInterval = 30,
        retry: RetryPolicy = RetryPolicy(maxAttempts: 4, baseDelay: 1, maxDelay: 30, maxRetryAfter: 120),
        lowRemaining: Int = 2, lowRemainingPause: TimeInterval = 10, maxPages: Int = 500,
        maxResponseBytes: Int = 16 << 20, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.timeout = timeout
        self.retry = retry
        self.lowRemaining = lowRemaining
        self.lowRemainingPause = lowRemainingPause
        self.maxPages = maxPages
        self.maxResponseBytes = maxResponseBytes
        self.random = random
    }
}
