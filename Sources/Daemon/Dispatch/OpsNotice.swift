public import Delivery
public import Foundation
import SLAEngine
public import TicketSources

/// What slawatch tells the ops channel about its own trouble: a channel failing or working
/// again, a source gone stale or recovered. One message each, worded by the `ops_notice`
/// template and keyed so that the same notice is never sent twice.
enum OpsNotice {
    /// The message about a channel's outage or recovery.
    static func message(for notice: ChannelHealth.Notice, to ops: String, at now: Date, templates: MessageTemplates) -> OutboundMessage {
        switch notice {
        case .outageStarted(let channel, let reason, let since, let givenUp):
            message(key: "ops/\(channel)/outage/\(Int64(since.timeIntervalSince1970))", to: ops, at: now, templates: templates, [
                "channel_failing": [
                    "channel": .string(channel), "reason": .string(reason.rawValue), "since": .string(Timestamp(since).description),
                    "given_up": .bool(givenUp),
                ],
            ])
        case .recovered(let channel, let since, let deadLetters, _):
            message(key: "ops/\(channel)/recovered/\(Int64(now.timeIntervalSince1970))", to: ops, at: now, templates: templates, [
                "channel_recovered": [
                    "channel": .string(channel), "since": .string(Timestamp(since).description), "dead_letters": deadLetters > 0 ? .int(deadLetters) : false,
                ],
            ])
        }
    }

    /// The message about a source going stale or recovering.
    static func message(for notice: SourceFreshness.Notice, to ops: String, at now: Date, templates: MessageTemplates) -> OutboundMessage {
        switch notice {
        case .becameStale(let source, let since, let lastSuccess):
            message(key: "ops/source/\(source)/stale/\(Int64(since.timeIntervalSince1970))", to: ops, at: now, templates: templates, [
                "source_stale": [
                    "source": .string(source), "since": .string(Timestamp(since).description),
                    "last_success": .string(lastSuccess.map { Timestamp($0).description } ?? "the start"),
                ],
            ])
        case .recovered(let source, let since, let at):
            message(key: "ops/source/\(source)/recovered/\(Int64(at.timeIntervalSince1970))", to: ops, at: now, templates: templates, [
                "source_recovered": [
                    "source": .string(source), "since": .string(Timestamp(since).description), "at": .string(Timestamp(at).description),
                ],
            ])
        }
    }

    private static func message(
        key: String, to ops: String, at now: Date, templates: MessageTemplates, _ notice: TemplateObject
    ) -> OutboundMessage {
        // Every kind is in the context, the others false, so a section never finds an outer value.
        var context: TemplateValue = ["channel_failing": false, "channel_recovered": false, "source_stale": false, "source_recovered": false]
        for key in notice.keys { context[key] = notice[key] }
        let rendered = templates.render("ops_notice", context: context)
        return OutboundMessage(
            key: key, channel: ops, audience: .team, isUrgent: true, subject: rendered.subject, text: rendered.text,
            html: rendered.html, createdAt: now)
    }
}
