public import Foundation
public import SLAEngine

/// What a surge rule's `notify` hears: once when open tickets surge, once when the surge
/// ends, worded by the `surge` template and keyed by the surge (`surge/BY/VALUE/SINCE`, and
/// `/end` for its end) and channel, so neither is ever sent twice.
public enum SurgeNotice {
    /// The template's context for a change: `started` or `ended` (the other false), `by`,
    /// `value`, `open` and `open_tickets` ("1 open ticket"), `median`, `threshold`, `over`,
    /// `days` (false without history), `since`, `channel`, `now_utc`.
    public static func context(_ change: SurgeChange, rule: SurgeRule, since: Date, channel: String, at now: Date) -> [String: Any] {
        [
            "started": change.kind == .started, "ended": change.kind == .ended,
            "by": change.by.rawValue, "value": change.value, "open": change.open,
            "open_tickets": change.open == 1 ? "1 open ticket" : "\(change.open) open tickets",
            "median": number(change.median), "threshold": number(rule.threshold(median: change.median)),
            "over": number(rule.overPercent) + "%", "days": change.days > 0 ? change.days as Any : false,
            "since": Timestamp(since).description, "channel": channel, "now_utc": Timestamp(now).description,
        ]
    }

    /// The message to `channel` about a change of the surge `surge`.
    public static func message(
        _ change: SurgeChange, surge: ActiveSurge, rule: SurgeRule, channel: String, role: Role?, at now: Date,
        templates: MessageTemplates
    ) -> OutboundMessage {
        let rendered = templates.render("surge", context: context(change, rule: rule, since: surge.since, channel: channel, at: now))
        let key = surge.key + (change.kind == .ended ? "/end" : "") + "@" + channel
        return OutboundMessage(
            key: key, channel: channel, role: role?.rawValue, audience: .team, isUrgent: false, subject: rendered.subject,
            text: rendered.text, html: rendered.html, createdAt: now
        )
    }

    /// `12`, or `12.5` for a median between two counts.
    static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.1f", value)
    }
}
