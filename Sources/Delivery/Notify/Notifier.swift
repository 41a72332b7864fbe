public import SLAEngine

/// Delivers rendered messages to one configured channel: exactly one attempt per call, in
/// the channel's rate limit. Retries belong to the outbox dispatcher alone.
///
/// `deliver` never throws: every end is a `DeliveryOutcome` the caller records (`failed`
/// with an error that says whether another attempt may succeed). Cancelling the calling
/// task ends the attempt as `cancelled`.
public protocol Notifier: Sendable {
    /// The configured channel's name.
    var channel: String { get }
    var kind: ChannelKind { get }
    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome
    /// Messages one attempt may carry: 1 unless the channel takes a run of messages at once
    /// (a `log` file appends a run of lines in one write).
    var messagesPerAttempt: Int { get }
    /// One attempt at each of `messages` (at most `messagesPerAttempt`), their outcomes in
    /// the same order.
    func deliver(_ messages: [OutboundMessage]) async -> [DeliveryOutcome]
}

extension Notifier {
    public var messagesPerAttempt: Int { 1 }

    public func deliver(_ messages: [OutboundMessage]) async -> [DeliveryOutcome] {
        var outcomes: [DeliveryOutcome] = []
        outcomes.reserveCapacity(messages.count)
        for message in messages { outcomes.append(await deliver(message)) }
        return outcomes
    }
}
