public import Delivery
public import Foundation
import SLAEngine
public import TicketSources

/// What slawatch tells the ops channel about its own trouble: a channel failing or working
/// again, a source gone stale or recovered. One message each, keyed so that the same notice
/// is never sent twice.
enum OpsNotice {
    /// The message about a channel's outage or recovery.
    static func message(for notice: ChannelHealth.Notice, to ops: String, at now: Date) -> OutboundMessage {
        let subject: String, text: String, key: String
        switch notice {
        case .outageStarted(let channel, let reason, let since):
            key = "ops/\(channel)/outage/\(Int64(since.timeIntervalSince1970))"
            subject = "[slawatch] channel \(channel) is failing (\(reason.rawValue))"
            text = "Messages to \(channel) are failing since \(Timestamp(since)) (\(reason.rawValue)). slawatch keeps them "
                + "and tries again; you will hear once more when the channel works."
        case .recovered(let channel, let since, let deadLetters, _):
            key = "ops/\(channel)/recovered/\(Int64(now.timeIntervalSince1970))"
            subject = "[slawatch] channel \(channel) works again"
            text = "Messages to \(channel) go through again after failing since \(Timestamp(since))"
                + (deadLetters > 0 ? " (\(deadLetters) given up meanwhile)." : ".")
        }
        return OutboundMessage(key: key, channel: ops, audience: .team, isUrgent: true, subject: subject, text: text, createdAt: now)
    }

    /// The message about a source going stale or recovering.
    static func message(for notice: SourceFreshness.Notice, to ops: String, at now: Date) -> OutboundMessage {
        let key: String, subject: String, text: String
        switch notice {
        case .becameStale(let source, let since, let lastSuccess):
            key = "ops/source/\(source)/stale/\(Int64(since.timeIntervalSince1970))"
            subject = "[slawatch] source \(source) is stale"
            text = "No poll of \(source) has succeeded since \(lastSuccess.map { Timestamp($0).description } ?? "the start"); "
                + "its data counts as stale since \(Timestamp(since)). Pre-breach warnings and customer notices for its "
                + "tickets are held; breach pings still go out, flagged. You will hear when it recovers."
        case .recovered(let source, let since, let at):
            key = "ops/source/\(source)/recovered/\(Int64(at.timeIntervalSince1970))"
            subject = "[slawatch] source \(source) recovered"
            text = "\(source) polled successfully at \(Timestamp(at)) after being stale since \(Timestamp(since))."
        }
        return OutboundMessage(key: key, channel: ops, audience: .team, isUrgent: true, subject: subject, text: text, createdAt: now)
    }
}
