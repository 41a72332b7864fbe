public import Foundation

/// How hard a notifier tries: its per-attempt timeout, retries and send rate.
public struct ChannelPolicy: Sendable {
    /// Seconds one attempt may take (the channel's `timeout`). Default 10.
    public var timeout: TimeInterval
    public var retry: RetryPolicy
    /// The channel's `rate_limit`; nil for the kind's default (Slack: 1/s; others: none).
    public var rateLimit: SendRate?

    public init(timeout: TimeInterval = 10, retry: RetryPolicy = RetryPolicy(), rateLimit: SendRate? = nil) {
        self.timeout = timeout
        self.retry = retry
        self.rateLimit = rateLimit
    }
}
