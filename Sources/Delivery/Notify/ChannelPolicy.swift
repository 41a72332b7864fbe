public import Foundation

/// How a notifier sends: its per-attempt timeout and send rate.
public struct ChannelPolicy: Sendable {
    /// Seconds one attempt may take (the channel's `timeout`). Default 10.
    public var timeout: TimeInterval
    /// The channel's `rate_limit`; nil for the kind's default (Slack: 1/s; others: none).
    public var rateLimit: SendRate?

    public init(timeout: TimeInterval = 10, rateLimit: SendRate? = nil) {
        self.timeout = timeout
        self.rateLimit = rateLimit
    }
}
