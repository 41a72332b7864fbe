public import Foundation
import Transport

/// At most `count` messages per `period` seconds: a channel's `rate_limit`.
public struct SendRate: Sendable, Hashable, CustomStringConvertible {
    /// Messages per period; at least 1. Also the burst: that many may go at once after a quiet spell.
    public var count: Int
    /// The period in seconds.
    public var period: TimeInterval

    public init(count: Int, per period: TimeInterval) {
        self.count = max(1, count)
        self.period = period
    }

    /// Slack's documented limit for incoming webhooks: one message per second.
    public static let slackDefault = SendRate(count: 1, per: 1)

    public var description: String { "\(count)/\(TransportError.seconds(period))s" }
}
