public import SLAEngine

/// Something that delivers a message to one channel.
public protocol ChannelSender: Sendable {
    func send(_ message: OutboundMessage) async -> SendOutcome
}

/// What became of one delivery attempt.
public enum SendOutcome: Sendable, Hashable {
    /// The receiver took it; `detail` is its answer, secrets removed.
    case delivered(detail: String?)
    /// Worth trying again (after `retryAfter` seconds when the receiver said so).
    case retry(reason: String, detail: String?, retryAfter: Double?)
    /// Will never succeed as it is: the message is dead-lettered.
    case failed(reason: String, detail: String?)
}
