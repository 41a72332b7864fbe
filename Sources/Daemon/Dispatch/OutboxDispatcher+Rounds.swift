public import Delivery
import Foundation
import Logging
public import SLAEngine
import Service

/// What the dispatcher counts and says about each channel's attempts: metrics per attempt,
/// and one log line per round of a lane (until it goes quiet, or every `longRound` seconds).
extension OutboxDispatcher {
    struct Round {
        /// When it began, on the delivery clock's monotonic scale.
        var started: TimeInterval
        var delivered = 0
        var failed = 0
        var dead = 0
        var reasons: Set<String> = []
    }

    /// A round that lasts longer than this (a backlog through a slow receiver) is reported
    /// so far, and a new one begins.
    static let longRound = 60.0

    /// Metrics and the per-round log of one attempt's end.
    func count(_ finished: DeliverySchedule.Finished, of entry: DeliverySchedule.Entry, _ outcome: DeliveryOutcome?) {
        let channel = entry.channel
        // The reason and detail as recorded: the receiver's error, `no_channel`, or `expired`.
        var reason = outcome?.error?.label ?? "no_channel", detail = outcome?.error.map { "\($0)" }
        switch finished.record?.result {
        case .retry(_, let recorded, let text)?, .dead(let recorded, let text)?: (reason, detail) = (recorded, text)
        default: break
        }
        switch finished.result {
        case .delivered:
            rounds[channel, default: Round(started: clock.now())].delivered += 1
            let result: MetricsRegistry.NotificationResult = outcome?.status == .partiallyDelivered ? .partiallyDelivered : .delivered
            metrics?.notifications.increment(channel: channel, result: result)
            logger.debug("message delivered", metadata: ["channel": "\(channel)", "key": "\(entry.key)"])
        case .retry(let at):
            rounds[channel, default: Round(started: clock.now())].failed += 1
            rounds[channel, default: Round(started: clock.now())].reasons.insert(reason)
            metrics?.deliveryRetries.increment(channel: channel, by: 1)
            logger.debug("delivery failed, will retry", metadata: [
                "channel": "\(channel)", "key": "\(entry.key)", "reason": "\(reason)", "retry_at": "\(Timestamp(at))",
            ])
        case .dead:
            rounds[channel, default: Round(started: clock.now())].dead += 1
            rounds[channel, default: Round(started: clock.now())].reasons.insert(reason)
            metrics?.notifications.increment(channel: channel, result: .deadLettered)
            metrics?.deadLetters.increment(channel: channel, by: 1)
            logger.error("message dead-lettered", metadata: [
                "channel": "\(channel)", "key": "\(entry.key)", "reason": "\(reason)",
                "error": "\(detail ?? reason)",
            ])
        case .cancelled:
            metrics?.notifications.increment(channel: channel, result: .cancelled)
        }
    }

    /// Reports the rounds that have gone on for longer than `longRound` so far.
    func reportLongRounds() {
        let now = clock.now()
        for (channel, round) in rounds where now - round.started >= OutboxDispatcher.longRound {
            endRound(of: channel, ongoing: true)
        }
    }

    /// One line per channel each time its lane goes quiet, and every `longRound` seconds while
    /// it does not: what the round delivered and what failed.
    func endRound(of channel: String, ongoing: Bool = false) {
        guard let round = rounds.removeValue(forKey: channel) else { return }
        var metadata: Logger.Metadata = [
            "channel": "\(channel)", "delivered": "\(round.delivered)", "failed": "\(round.failed)", "dead": "\(round.dead)",
            "reasons": "\(round.reasons.sorted().joined(separator: ","))",
        ]
        if ongoing { metadata["ongoing"] = "true" }
        if round.failed + round.dead > 0 {
            logger.warning("deliveries", metadata: metadata)
        } else {
            logger.info("deliveries", metadata: metadata)
        }
    }

}
