public import SLAEngine

/// Delivers rendered messages to one configured channel, retrying and rate limiting as the
/// channel's policy says.
///
/// `deliver` never throws: every end, a dead letter included, is a `DeliveryOutcome` the
/// caller records. Cancelling the calling task ends the delivery as `cancelled`.
public protocol Notifier: Sendable {
    /// The configured channel's name.
    var channel: String { get }
    var kind: ChannelKind { get }
    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome
}
