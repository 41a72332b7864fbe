public import Foundation
public import SLAEngine
import Synchronization

/// The values a template sees, as nested dictionaries with `snake_case` keys.
///
/// Strings are raw: the text forms render them as they are and channel encoders escape
/// them for their target; the HTML form escapes them as HTML. Customer contexts carry no
/// internal field (assignee, tags, role, policy, team, other tickets).
public enum TemplateContext {
    /// One ticket line of an internal message.
    public struct Line: Sendable {
        public var intent: Intent
        public var ticket: Ticket
        public var clock: SLAClock?
        /// The risk occurrence, for a line about one.
        public var risk: RiskOccurrence?
        /// The ticket's team, for internal messages.
        public var team: String?
        /// Where due times are shown besides UTC: the clock's calendar zone.
        public var timeZone: TimeZone

        public init(intent: Intent, ticket: Ticket, clock: SLAClock?, risk: RiskOccurrence? = nil, team: String?, timeZone: TimeZone) {
            self.intent = intent
            self.ticket = ticket
            self.clock = clock
            self.risk = risk
            self.team = team
            self.timeZone = timeZone
        }
    }

    /// The context of a message to the team about one or several lines. A digest adds its
    /// totals over every line, shown or not (`MessageComposer`).
    public static func team(_ lines: [Line], channel: String, more: Int, at now: Date) -> [String: Any] {
        var context = line(lines[0], at: now)
        context["channel"] = channel
        context["now_utc"] = Timestamp(now).description
        context["items"] = lines.map { line($0, at: now) }
        context["count"] = lines.count + more
        context["more"] = more > 0 ? more : false
        return context
    }

    private static func line(_ line: Line, at now: Date) -> [String: Any] {
        let ticket = line.ticket, intent = line.intent
        var ticketValues: [String: Any] = [
            "id": ticket.id, "source": ticket.source, "subject": ticket.subject, "priority": ticket.priority.rawValue, "status": ticket.status.rawValue,
        ]
        ticketValues["url"] = orFalse(ticket.link)
        ticketValues["group"] = orFalse(ticket.group)
        ticketValues["assignee"] = orFalse(ticket.assignee)
        ticketValues["customer_name"] = orFalse(ticket.customer.name ?? (ticket.customer.id.isEmpty ? nil : ticket.customer.id))
        ticketValues["tags"] = ticket.tags.isEmpty ? false : ticket.tags.joined(separator: ", ")
        let parts = intent.step.split(separator: "#")
        var step: [String: Any] = [
            "name": intent.risk.map { "risk \($0.rawValue)" } ?? String(parts.first ?? ""), "kind": intent.kind.rawValue,
            "role": intent.role?.rawValue ?? "a named channel",
        ]
        step["repeat"] = parts.count > 1 ? String(parts[1]) : false
        step["late"] = intent.isLate
        var context: [String: Any] = ["ticket": ticketValues, "step": step, "team": line.team ?? "(none)"]
        // Always set, so a line without a clock never shows another line's through the context stack.
        context["clock"] = line.clock.map { clockValues($0, timeZone: line.timeZone, at: now) as Any } ?? false
        context["risk"] = intent.risk.map { risk -> Any in
            var values: [String: Any] = ["name": risk.rawValue, "words": risk.words, "occurrence": intent.cycle]
            values["detail"] = line.risk?.detail ?? false
            values["since"] = line.risk.map { local($0.since, in: line.timeZone) } ?? false
            values["since_utc"] = line.risk.map { Timestamp($0.since).description } ?? false
            return values
        } ?? false
        context["hold"] = intent.hold.map { hold -> Any in
            ["verb": hold.verb, "by": hold.by, "at": local(hold.at, in: line.timeZone), "until": local(hold.until, in: line.timeZone),
             "at_utc": Timestamp(hold.at).description, "until_utc": Timestamp(hold.until).description]
        } ?? false
        return context
    }

    private static func clockValues(_ clock: SLAClock, timeZone: TimeZone, at now: Date) -> [String: Any] {
        let business = clock.calendar != "24x7"
        var values: [String: Any] = [
            "metric": clock.metric.words, "metric_key": clock.metric.rawValue, "cycle": clock.cycle,
            "target": DurationText.words(clock.targetSeconds, business: business),
            "state": clock.state.rawValue, "percent": String(format: "%.0f%%", clock.percent),
            "policy": clock.policy, "calendar": clock.calendar,
            "elapsed": DurationText.words(clock.elapsedSeconds, business: business),
        ]
        values["due"] = clock.dueAt.map { local($0, in: timeZone) } ?? "never"
        values["due_utc"] = clock.dueAt.map { Timestamp($0).description } ?? "never"
        values["time_left"] = clock.remainingSeconds > 0 ? DurationText.words(clock.remainingSeconds, business: business) : false
        values["overdue"] = clock.remainingSeconds <= 0 ? DurationText.words(-clock.remainingSeconds, business: business) : false
        values["paused"] = clock.state == .paused
        values["met"] = clock.state == .met
        return values
    }

    /// The context of a notice to a customer: their ticket, the delay and the new timeline,
    /// in their time zone. Nothing internal.
    public static func customer(
        ticket: Ticket, clock: SLAClock?, nextUpdate: Date?, remedy: String?, timeZone: TimeZone, at now: Date
    ) -> [String: Any] {
        var ticketValues: [String: Any] = ["id": ticket.id, "subject": ticket.subject]
        ticketValues["url"] = orFalse(ticket.link)
        var context: [String: Any] = [
            "ticket": ticketValues,
            "customer": ["name": ticket.customer.name.map { $0 as Any } ?? false],
            "now": customerTime(now, in: timeZone),
        ]
        if let clock {
            context["clock"] = ["metric": clock.metric.words, "due": clock.dueAt.map { customerTime($0, in: timeZone) } ?? false]
        }
        context["next_update"] = nextUpdate.map { customerTime($0, in: timeZone) } ?? false
        context["remedy"] = remedy ?? false
        return context
    }

    /// A value, or `false` so that `{{#key}}…{{/key}}` skips it.
    private static func orFalse(_ value: String?) -> Any {
        value.map { $0 as Any } ?? false
    }

    /// `Mon 23 Nov 13:00 EST`: compact, for the team.
    static func local(_ date: Date, in zone: TimeZone) -> String {
        format(date, zone: zone, pattern: "EEE d MMM HH:mm zzz")
    }

    /// `Monday 23 November 2026 at 13:00 EST`: for customers.
    static func customerTime(_ date: Date, in zone: TimeZone) -> String {
        format(date, zone: zone, pattern: "EEEE d MMMM yyyy 'at' HH:mm zzz")
    }

    private static func format(_ date: Date, zone: TimeZone, pattern: String) -> String {
        formatters.string(from: date, zone: zone, pattern: pattern)
    }

    /// One formatter per zone and pattern, made once: a `DateFormatter` costs far more to
    /// make than to use, and a large tick formats tens of thousands of dates.
    private static let formatters = FormatterCache()
}

/// `DateFormatter`s by zone and pattern, shared across threads; each is used under the lock,
/// as a formatter is not safe to use from two threads at once.
private final class FormatterCache: Sendable {
    private let formatters = Mutex<[String: DateFormatterBox]>([:])

    /// A box so the formatter can live in a `Mutex`; only ever touched under its lock.
    private final class DateFormatterBox: @unchecked Sendable {
        let formatter: DateFormatter
        init(_ formatter: DateFormatter) { self.formatter = formatter }
    }

    func string(from date: Date, zone: TimeZone, pattern: String) -> String {
        formatters.withLock { formatters in
            let key = zone.identifier + "|" + pattern
            if let box = formatters[key] { return box.formatter.string(from: date) }
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = zone
            formatter.dateFormat = pattern
            formatters[key] = DateFormatterBox(formatter)
            return formatter.string(from: date)
        }
    }
}
