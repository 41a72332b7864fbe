public import Foundation
public import SLAEngine

/// The values a template sees, as nested dictionaries with `snake_case` keys.
///
/// Strings are raw: the text forms render them as they are and channel encoders escape
/// them for their target; the HTML form escapes them as HTML. Customer contexts carry no
/// internal field (assignee, tags, role, policy, team, other tickets).
public enum TemplateContext {
    /// One ticket line of an internal message.
    public struct Line: Sendable {
        public var intent: Intent
        public let ticket: Ticket
        public var clock: SLAClock?
        /// The risk occurrence, for a line about one.
        public var risk: RiskOccurrence?
        /// The ticket's team, for internal messages.
        public var team: String?
        /// Where due times are shown besides UTC: the clock's calendar zone.
        public var timeZone: TimeZone
        /// The ticket's link, checked once (`Ticket.link`): the message lists it too.
        public let link: String?

        public init(intent: Intent, ticket: Ticket, clock: SLAClock?, risk: RiskOccurrence? = nil, team: String?, timeZone: TimeZone) {
            self.intent = intent
            self.ticket = ticket
            self.clock = clock
            self.risk = risk
            self.team = team
            self.timeZone = timeZone
            link = ticket.link
        }
    }

    /// The context of a message to the team about one or several lines. A digest adds its
    /// totals over every line, shown or not (`MessageComposer`).
    public static func team(_ lines: [Line], channel: String, more: Int, at now: Date) -> TemplateValue {
        var dates = RecentDates()
        return team(lines, channel: channel, more: more, at: now, dates: &dates)
    }

    /// The same, with the dates worded lately for other messages.
    ///
    /// Built from fixed lists of keys, as a customer's context is: a tick words tens of
    /// thousands of these, and a list of keys made for each object was a fifth of the cost.
    static func team(_ lines: [Line], channel: String, more: Int, at now: Date, dates: inout RecentDates) -> TemplateValue {
        var items: [TemplateObject] = []
        items.reserveCapacity(lines.count)
        for line in lines { items.append(self.line(line, at: now, dates: &dates)) }
        var context = items[0]
        context.reserve(5)
        context["channel"] = .string(channel)
        context["now_utc"] = .string(Timestamp(now).description)
        context["items"] = .list(items.map(TemplateValue.object))
        context["count"] = .int(lines.count + more)
        context["more"] = more > 0 ? .int(more) : false
        return .object(context)
    }

    private static func line(_ line: Line, at now: Date, dates: inout RecentDates) -> TemplateObject {
        let ticket = line.ticket, intent = line.intent
        let ticketValues = TemplateObject(keys: TeamKeys.ticket, values: [
            .string(ticket.id), .string(ticket.source), .string(ticket.subject), .string(ticket.priority.rawValue),
            .string(ticket.status.rawValue), .orFalse(line.link), .orFalse(ticket.group), .orFalse(ticket.assignee),
            .orFalse(ticket.customer.name ?? (ticket.customer.id.isEmpty ? nil : ticket.customer.id)),
            ticket.tags.isEmpty ? false : .string(ticket.tags.joined(separator: ", ")),
        ])
        let parts = intent.step.split(separator: "#")
        let step = TemplateObject(keys: TeamKeys.step, values: [
            .string(intent.risk.map { "risk \($0.rawValue)" } ?? String(parts.first ?? "")), .string(intent.kind.rawValue),
            .string(intent.role?.rawValue ?? "a named channel"), parts.count > 1 ? .string(String(parts[1])) : false,
            .bool(intent.isLate),
        ])
        let risk: TemplateValue = intent.risk.map { risk -> TemplateValue in [
            "name": .string(risk.rawValue), "words": .string(risk.words), "occurrence": .int(intent.cycle),
            "detail": .orFalse(line.risk?.detail),
            "since": .orFalse(line.risk.map { local($0.since, in: line.timeZone) }),
            "since_utc": .orFalse(line.risk.map { Timestamp($0.since).description }),
        ] } ?? false
        let hold: TemplateValue = intent.hold.map { hold -> TemplateValue in [
            "verb": .string(hold.verb), "by": .string(hold.by),
            "at": .string(local(hold.at, in: line.timeZone)), "until": .string(local(hold.until, in: line.timeZone)),
            "at_utc": .string(Timestamp(hold.at).description), "until_utc": .string(Timestamp(hold.until).description),
        ] } ?? false
        return TemplateObject(keys: TeamKeys.line, values: [
            .object(ticketValues), .object(step), .string(line.team ?? "(none)"),
            // Always set, so a line without a clock never shows another line's through the context stack.
            line.clock.map { .object(clockValues($0, timeZone: line.timeZone, at: now, dates: &dates)) } ?? false,
            risk, hold,
        ])
    }

    private static func clockValues(_ clock: SLAClock, timeZone: TimeZone, at now: Date, dates: inout RecentDates) -> TemplateObject {
        let business = clock.calendar != "24x7"
        return TemplateObject(keys: TeamKeys.clock, values: [
            .string(clock.metric.words), .string(clock.metric.rawValue), .int(clock.cycle),
            .string(DurationText.words(clock.targetSeconds, business: business)),
            .string(clock.state.rawValue), .string(percentText(clock.percent)),
            .string(clock.policy), .string(clock.calendar),
            .string(DurationText.words(clock.elapsedSeconds, business: business)),
            .string(clock.dueAt.map { dates.string(from: $0, zone: timeZone, pattern: teamPattern, cache: formatters) } ?? "never"),
            .string(clock.dueAt.map { Timestamp($0).description } ?? "never"),
            clock.remainingSeconds > 0 ? .string(DurationText.words(clock.remainingSeconds, business: business)) : false,
            clock.remainingSeconds <= 0 ? .string(DurationText.words(-clock.remainingSeconds, business: business)) : false,
            .bool(clock.state == .paused),
            .bool(clock.state == .met),
        ])
    }

    /// The keys of a team context, in the order of its values.
    private enum TeamKeys {
        static let ticket = ["id", "source", "subject", "priority", "status", "url", "group", "assignee", "customer_name", "tags"]
        static let step = ["name", "kind", "role", "repeat", "late"]
        static let line = ["ticket", "step", "team", "clock", "risk", "hold"]
        static let clock = [
            "metric", "metric_key", "cycle", "target", "state", "percent", "policy", "calendar", "elapsed", "due", "due_utc",
            "time_left", "overdue", "paused", "met",
        ]
    }

    /// The context of a notice to a customer: their ticket, the delay and the new timeline,
    /// in their time zone. Nothing internal. `link` is the ticket's (`Ticket.link`).
    public static func customer(
        ticket: Ticket, link: String?, clock: SLAClock?, nextUpdate: Date?, remedy: String?, timeZone: TimeZone, at now: Date
    ) -> TemplateValue {
        var dates = RecentDates()
        return customer(ticket: ticket, link: link, clock: clock, nextUpdate: nextUpdate, remedy: remedy, timeZone: timeZone, at: now, dates: &dates)
    }

    /// The same, with the dates worded lately for other notices: a tick's notices mostly
    /// say the same instants (when they are sent, when the next update comes).
    ///
    /// Built from fixed lists of keys, so a notice's context costs an array of values per
    /// object and nothing else.
    static func customer(
        ticket: Ticket, link: String?, clock: SLAClock?, nextUpdate: Date?, remedy: String?, timeZone: TimeZone, at now: Date,
        dates: inout RecentDates
    ) -> TemplateValue {
        let customerTime = { (date: Date, dates: inout RecentDates) in
            dates.string(from: date, zone: timeZone, pattern: customerPattern, cache: formatters)
        }
        let ticketValues = TemplateObject(keys: CustomerKeys.ticket, values: [.string(ticket.id), .string(ticket.subject), .orFalse(link)])
        let customerValues = TemplateObject(keys: CustomerKeys.customer, values: [.orFalse(ticket.customer.name)])
        let nowText = customerTime(now, &dates)
        let next: TemplateValue = nextUpdate.map { .string(customerTime($0, &dates)) } ?? false
        guard let clock else {
            return .object(TemplateObject(keys: CustomerKeys.withoutClock, values: [
                .object(ticketValues), .object(customerValues), .string(nowText), next, .orFalse(remedy),
            ]))
        }
        let due: TemplateValue = clock.dueAt.map { .string(customerTime($0, &dates)) } ?? false
        let clockValues = TemplateObject(keys: CustomerKeys.clock, values: [.string(clock.metric.words), due])
        return .object(TemplateObject(keys: CustomerKeys.withClock, values: [
            .object(ticketValues), .object(customerValues), .string(nowText), .object(clockValues), next, .orFalse(remedy),
        ]))
    }

    /// The keys of a customer context, in the order of its values.
    private enum CustomerKeys {
        static let ticket = ["id", "subject", "url"]
        static let customer = ["name"]
        static let clock = ["metric", "due"]
        static let withClock = ["ticket", "customer", "now", "clock", "next_update", "remedy"]
        static let withoutClock = ["ticket", "customer", "now", "next_update", "remedy"]
    }

    /// `Mon 23 Nov 13:00 EST`: compact, for the team.
    static func local(_ date: Date, in zone: TimeZone) -> String {
        format(date, zone: zone, pattern: teamPattern)
    }

    private static let teamPattern = "EEE d MMM HH:mm zzz"

    /// `Monday 23 November 2026 at 13:00 EST`: for customers.
    private static let customerPattern = "EEEE d MMMM yyyy 'at' HH:mm zzz"

    private static func format(_ date: Date, zone: TimeZone, pattern: String) -> String {
        formatters.string(from: date, zone: zone, pattern: pattern)
    }

    /// Formatters per zone and pattern, made once: a `DateFormatter` costs far more to
    /// make than to use, and a large tick formats tens of thousands of dates.
    private static let formatters = FormatterCache()

    /// `120%`: what `String(format: "%.0f%%", percent)` writes (halves to even), without
    /// the cost of a format string for the values a clock has.
    static func percentText(_ percent: Double) -> String {
        guard percent.sign == .plus, percent < 1e15 else { return String(format: "%.0f%%", percent) }
        return String(Int64(percent.rounded(.toNearestOrEven))) + "%"
    }
}
