public import Foundation
public import BusinessTime

/// Tells a person, in sentences, why each clock of a ticket has the due time it has:
/// the policy chosen and why, the calendar, the spells it stood still, the holidays it
/// skipped, and where it stands now.
public struct ClockExplanation: Sendable {
    public var engine: SLAEngine
    /// Calendars by name, to describe each clock's calendar.
    public var calendars: [String: BusinessCalendar]

    public init(engine: SLAEngine, calendars: [String: BusinessCalendar]) {
        self.engine = engine
        self.calendars = calendars
    }

    /// The explanation of every clock of `ticket` at `now`, as paragraphs of sentences.
    ///
    /// `holds` gives the latest acknowledgement or snooze of a clock by clock key, and
    /// `silences` those on record, as the daemon's state holds them: each clock tells who
    /// holds it, and the ticket which silences mute it.
    public func explain(
        _ ticket: Ticket, observed: [TicketEvent] = [], at now: Date, holds: [String: ClockHold] = [:], silences: [Silence] = []
    ) -> String {
        let clocks = engine.clocks(for: ticket, observed: observed, at: now)
        var out: [String] = []
        var header = "Ticket \(ticket.id)"
        if !ticket.source.isEmpty { header += " from source \(ticket.source)" }
        if !ticket.subject.isEmpty { header += " \"\(ticket.subject)\"" }
        header += ": priority \(ticket.priority.rawValue), status \(ticket.status.rawValue)"
        if let name = ticket.customer.name ?? (ticket.customer.id.isEmpty ? nil : ticket.customer.id) {
            header += ", customer \(name)"
            if let tier = ticket.customer.tier { header += " (tier \(tier))" }
        }
        header += ", created \(utc(ticket.createdAt)). Evaluated at \(utc(now))."
        out.append(header)
        if ticket.createdAt > now {
            out.append("The ticket was created at \(utc(ticket.createdAt)), after \(utc(now)): at that instant it did not "
                + "exist yet, so it had no clocks. Pass an --at after its creation.")
            return out.joined(separator: "\n\n")
        }

        let matching = engine.policies.filter { $0.match.holds(for: ticket) }
        if matching.isEmpty {
            out.append("No policy matches this ticket, so it has no clocks. Policies: "
                + engine.policies.map { "\($0.name) (\(describe($0.match)))" }.joined(separator: "; ") + ".")
            return out.joined(separator: "\n\n")
        }
        out.append("Matching policies, in configuration order: "
            + matching.map { "\($0.name) (\(describe($0.match)), calendar \($0.calendar.name))" }.joined(separator: ", ") + ".")
        let priorityChanges = (ticket.events + observed).compactMap { event -> String? in
            guard case .priority(let p) = event.kind, event.at <= now else { return nil }
            return "to \(p.rawValue) at \(utc(event.at))"
        }
        if !priorityChanges.isEmpty {
            out.append("The priority changed \(priorityChanges.joined(separator: ", ")); every target follows the "
                + "current priority (\(ticket.priority.rawValue)) from each clock's start, not from the change.")
        }
        if clocks.isEmpty {
            out.append("No matching policy sets a target for priority \(ticket.priority.rawValue), so there are no clocks.")
        }
        for clock in clocks {
            var text = paragraph(for: clock, ticket: ticket, now: now)
            if let hold = holds[ClockKey.make(ticket.key, clock.metric, clock.cycle)] {
                text += " " + Self.sentence(about: hold, clock: clock, at: now)
            }
            out.append(text)
        }
        let muting = silences.filter { $0.isActive(at: now) && $0.match.holds(for: ticket) }
        if !muting.isEmpty {
            out.append(muting.map { silence in
                "Silence \(silence.id) (\(silence.matcherPairs.joined(separator: ", ")); \"\(silence.reason)\""
                    + "\(silence.createdBy.map { ", set by \($0)" } ?? "")) mutes its "
                    + (silence.mutesBreaches ? "warnings and breach pings" : "warnings (not breach pings)")
                    + " until \(utc(silence.endsAt)); customer notices still go out."
            }.joined(separator: " "))
        }
        if !engine.risks.isEmpty {
            out.append(risks(of: ticket, observed: observed, clocks: clocks, now: now))
        }
        return out.joined(separator: "\n\n")
    }

    private func paragraph(for clock: SLAClock, ticket: Ticket, now: Date) -> String {
        let calendar = calendars[clock.calendar] ?? (clock.calendar == "24x7" ? .alwaysOpen : nil)
        let business = !(calendar?.isAlwaysOpen ?? true)
        let zone = calendar?.timeZone ?? TimeZone(identifier: "UTC")!
        func when(_ date: Date?) -> String { date.map { local($0, in: zone) } ?? "never (the calendar never accumulates it)" }
        var s: [String] = []

        let cycled = clock.cycle > 1 || [.nextReply, .periodicUpdate, .groupResponse].contains(clock.metric)
        s.append("\(clock.metric.rawValue)\(cycled ? " cycle \(clock.cycle)" : "")\(clock.group.map { " (group \($0))" } ?? ""): \(clock.state.rawValue).")
        s.append("It started \(startReason(clock)) at \(when(clock.startedAt)).")

        if clock.candidates.count == 1 {
            let scope = clock.group.map { "group \($0)" } ?? "priority \(ticket.priority.rawValue)"
            s.append("Only policy \(clock.policy) sets a \(clock.metric.rawValue) target for \(scope): "
                + "\(DurationText.words(clock.targetSeconds, business: business)) on calendar \(clock.calendar).")
        } else {
            let listed = clock.candidates.map {
                "\($0.policy) gives \(DurationText.words($0.targetSeconds, business: !(calendars[$0.calendar]?.isAlwaysOpen ?? true))) on \($0.calendar), due \($0.dueAt.map { utc($0) } ?? "never")"
            }
            let ties = clock.candidates.filter { $0.dueAt == clock.dueAt }.count > 1
            s.append("\(clock.candidates.count) policies set a target: \(listed.joined(separator: "; ")). "
                + "The most aggressive wins, the one due first: \(clock.policy)"
                + (ties ? " (a tie, broken by the order of policies in the configuration)." : "."))
        }

        if let calendar, !calendar.isAlwaysOpen {
            s.append("Calendar \(calendar.name) runs in \(calendar.timeZone.identifier), open \(describe(calendar.week)).")
            let end = clock.fulfilledAt ?? max(clock.dueAt ?? now, now)
            let skipped = departures(of: calendar, from: clock.startedAt, to: end)
            if !skipped.isEmpty { s.append("Between its start and \(clock.fulfilledAt == nil ? "its due time" : "its end") the calendar \(skipped).") }
        } else {
            s.append("Calendar 24x7 counts every hour of every day.")
        }

        if let factor = clock.targetsFactor {
            s.append("Exception \(factor.exception) multiplies its targets by \(Self.number(factor.factor)): the ticket was "
                + "created inside its window, so the target is \(DurationText.words(clock.targetSeconds, business: business)).")
        }
        let limit = clock.fulfilledAt ?? now
        let past = clock.stops.filter { $0.start < limit }
        if !past.isEmpty {
            let spells = past.map { stop in
                let cause = stop.exception.map { "exception \($0) (pause)" } ?? stop.status?.rawValue ?? "stopped"
                let end = stop.end.map { $0 > limit ? "until now (the window ends \(utc($0)))" : "to \(utc($0))" } ?? "until now"
                return "\(cause) from \(utc(stop.start)) \(end)"
            }
            s.append("It stood still for \(DurationText.words(clock.pausedSeconds, business: business)): \(spells.joined(separator: ", ")).")
            if clock.stops.contains(where: { $0.end == nil }) && clock.fulfilledAt == nil {
                s.append("While it stands still the due time shown is the one it would have if it resumed now.")
            }
        }
        for stop in clock.stops where stop.start >= limit && clock.fulfilledAt == nil {
            if let exception = stop.exception, let end = stop.end {
                s.append("Exception \(exception) will stand it still from \(utc(stop.start)) to \(utc(end)); the due time shown counts that window out.")
            }
        }

        let used = "\(DurationText.words(clock.elapsedSeconds, business: business)) of \(DurationText.words(clock.targetSeconds, business: business)) used"
        switch clock.state {
        case .met, .missed:
            let verb = clock.state == .met ? "met" : "missed"
            s.append("It was \(verb) at \(when(clock.fulfilledAt)) by \(fulfilment(clock, ticket: ticket)), against a due time of \(when(clock.dueAt)); \(used).")
        case .running, .paused:
            s.append("It is due at \(when(clock.dueAt)); \(used), \(DurationText.words(clock.remainingSeconds, business: business)) left.")
        case .breached:
            s.append("It was due at \(when(clock.dueAt)) and is \(DurationText.words(-clock.remainingSeconds, business: business)) overdue.")
        }
        if let next = clock.nextStep {
            let repeatText = next.repetition > 0 ? " (repeat \(next.repetition) of \(next.step.label))" : ""
            s.append("Next ladder step: \(next.label)\(repeatText) at \(when(next.at)), notifying \(next.step.notify.joined(separator: ", ")).")
        }
        return s.joined(separator: " ")
    }

    /// Who holds the clock's ladder, since when and until when; or whose hold ended.
    static func sentence(about hold: ClockHold, clock: SLAClock, at now: Date) -> String {
        let who = "\(hold.verb.prefix(1).uppercased() + hold.verb.dropFirst()) by \(hold.by) at \(Timestamp(hold.at))"
        guard hold.holds(at: now) else { return "\(who); the hold ended at \(Timestamp(hold.until))." }
        guard clock.state.isOpen else { return "\(who), holding its ladder until \(Timestamp(hold.until)) or until it was met." }
        return "\(who): its later ladder steps are held until \(Timestamp(hold.until)), or until it is met; "
            + "the clock keeps running and customer notices still go out."
    }

    /// The risks the ticket carries, and why; or that it carries none, and what was looked for.
    private func risks(of ticket: Ticket, observed: [TicketEvent], clocks: [SLAClock], now: Date) -> String {
        let found = engine.risks(for: ticket, observed: observed, clocks: clocks, at: now)
        let watched = engine.risks.map(\.kind.rawValue).joined(separator: ", ")
        guard !found.isEmpty else { return "Risks: none of \(watched) at \(utc(now))." }
        let sentences = found.map { risk in
            "\(risk.risk.rawValue) occurrence \(risk.occurrence), since \(utc(risk.since)): \(risk.detail)."
        }
        let rules = Dictionary(engine.risks.map { ($0.kind, $0) }, uniquingKeysWith: { first, _ in first })
        let routed = Set(found.map(\.risk)).sorted { $0.rawValue < $1.rawValue }.map { kind in
            "\(kind.rawValue) goes to \(rules[kind]?.notify.joined(separator: ", ") ?? "nobody")"
        }
        var text = "Risks (\(found.count)): " + sentences.joined(separator: " ")
        text += " Each occurrence is told once to the team (\(routed.joined(separator: "; "))), never to the customer"
        text += ticket.status.isSolved ? "; the ticket is solved, so nothing more is sent about it." : "."
        return text
    }

    private func startReason(_ clock: SLAClock) -> String {
        switch clock.metric {
        case .firstResponse, .resolution: "when the ticket was created"
        case .nextReply: "with a customer message left unanswered"
        case .periodicUpdate: clock.cycle == 1 ? "when the ticket was created" : "with the last public reply (or the reopen)"
        case .groupResponse: "when the ticket entered group \(clock.group ?? "?")"
        }
    }

    private func fulfilment(_ clock: SLAClock, ticket: Ticket) -> String {
        guard clock.metric != .resolution, let at = clock.fulfilledAt else { return "the solve" }
        if clock.metric == .groupResponse {
            let replied = ticket.events.contains { event in
                if case .agentReply = event.kind { return event.at == at } else { return false }
            }
            return replied ? "the group's first agent reply" : "the ticket leaving the group, or a solve"
        }
        let replied = ticket.events.contains { $0.at == at && $0.kind == .agentReply(isPublic: true) }
            || (clock.metric == .firstResponse && ticket.firstResponseAt == at)
        return replied ? "a public agent reply" : "the solve"
    }

    private func describe(_ match: TicketMatch) -> String {
        guard !match.conditions.isEmpty else { return "every ticket" }
        return match.conditions.sorted { $0.key.rawValue < $1.key.rawValue }
            .map { "\($0.key.rawValue) is \($0.value.joined(separator: " or "))" }.joined(separator: " and ")
    }

    /// The week with runs of days that share their windows folded: `mon-fri 09:00-17:00`.
    private func describe(_ week: WeeklySchedule) -> String {
        var runs: [(first: Weekday, last: Weekday, windows: [TimeWindow])] = []
        for day in Weekday.allCases where !week[day].isEmpty {
            if let last = runs.last, last.windows == week[day], last.last.rawValue + 1 == day.rawValue {
                runs[runs.count - 1].last = day
            } else {
                runs.append((day, day, week[day]))
            }
        }
        guard !runs.isEmpty else { return "never" }
        return runs.map { run in
            let days = run.first == run.last ? run.first.key : "\(run.first.key)-\(run.last.key)"
            return "\(days) \(run.windows.map(\.description).joined(separator: ", "))"
        }.joined(separator: "; ")
    }

    /// Holidays and short days between two instants, in words.
    private func departures(of calendar: BusinessCalendar, from: Date, to: Date) -> String {
        var found: [String] = []
        var date = calendar.localDate(of: from)
        let last = calendar.localDate(of: to)
        var days = 0
        while date <= last && days < 400 {
            switch calendar.rule(on: date) {
            case .holiday(let h): found.append("skipped \(date)\(h.name.map { " (\($0))" } ?? "") as a holiday")
            case .shortDay(let h):
                found.append("kept \(date)\(h.name.map { " (\($0))" } ?? "") as a short day (\(h.hours!.map(\.description).joined(separator: ", ")))")
            case .regular: break
            }
            date = date.adding(days: 1)
            days += 1
        }
        return found.joined(separator: ", ")
    }

    private func utc(_ date: Date) -> String { Timestamp(date).description }

    /// A factor without a needless `.0`: `2`, `1.5`.
    private static func number(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private func local(_ date: Date, in zone: TimeZone) -> String {
        if zone.identifier == "UTC" || zone.identifier == "GMT" { return utc(date) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "EEE yyyy-MM-dd HH:mm zzz"
        return "\(formatter.string(from: date)) (\(utc(date)))"
    }
}
