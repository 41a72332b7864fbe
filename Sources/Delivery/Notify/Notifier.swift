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
}
