public import Foundation
public import BusinessTime

/// Walks the escalation ladders: turns a ticket's clocks, and what earlier ticks
/// recorded, into the intents owed now. Pure: time and history are arguments.
///
/// - A step fires once per (ticket, metric, cycle, step); each `repeat` is a step of its own.
/// - When several steps are due at once for a clock (a ticket first seen late, a daemon
///   that was down), only the highest fires, marked late; the ones it passed over never
///   fire, since no step fires after a higher one has. A customer notice of a passed-over
///   step still goes out with it.
/// - Nothing escalates once a clock is met; with `all_clear` on the ladder everyone who
///   was pinged hears that it was met.
/// - A ticket's team is resolved when a step fires, so a ticket moved to another team
///   escalates to the new team's people from the next step on.
public struct Escalator: Sendable {
    /// In configuration order with `default` last.
    public var teams: [Team]
    /// Per channel, the calendar whose open windows allow non-urgent warnings; channels
    /// not listed send at any hour.
    public var quietHours: [String: BusinessCalendar]
    /// The channel that carries customer notices (the one named `customers`); nil for none.
    public var customerChannel: String?
    /// Escalate a customer's breach to `executive` after this many in a window; nil for never.
    public var repeatedBreaches: RepeatedBreachRule?
    /// A step that crossed longer ago than this is reported as late.
    public var lateAfterSeconds: Int
    /// Tickets with one of these tags, or customers of one of these tiers, get no customer
    /// notices (lowercased).
    public var customerOptOut: (tags: Set<String>, tiers: Set<String>) = ([], [])

    public init(
        teams: [Team], quietHours: [String: BusinessCalendar] = [:], customerChannel: String? = nil,
        repeatedBreaches: RepeatedBreachRule? = nil, lateAfterSeconds: Int = 120
    ) {
        self.teams = teams
        self.quietHours = quietHours
        self.customerChannel = customerChannel
        self.repeatedBreaches = repeatedBreaches
        self.lateAfterSeconds = lateAfterSeconds
    }

    /// When the quiet hours of `channel` end, if they hold non-urgent messages at `now`:
    /// nil when the channel has none, or they are open (or never open again).
    public func quietUntil(on channel: String, at now: Date) -> Date? {
        guard let calendar = quietHours[channel], !calendar.isOpen(at: now) else { return nil }
        return calendar.nextOpen(atOrAfter: now)
    }

    /// When the messages held on each of `channels` go out under the quiet hours set now:
    /// at `now` where they hold nothing back, else as they end. Held messages are
    /// scheduled again with this at start and after a reload, so quiet hours widened,
    /// narrowed or removed take effect on what they already hold.
    public func heldReleases(on channels: some Sequence<String>, at now: Date) -> [String: Date] {
        Dictionary(channels.map { ($0, quietUntil(on: $0, at: now) ?? now) }, uniquingKeysWith: { first, _ in first })
    }

    /// What one ticket's clocks owe now.
    public struct Decision: Sendable, Hashable {
        public var intents: [Intent] = []
        /// Clocks seen past their due time, open (breached) or fulfilled late (missed); the
        /// store keeps the first record of each.
        public var breaches: [BreachRecord] = []
        /// Held intents (by `Intent.id`) that are no longer wanted: their clock
        /// was met, or a later step reached the same channel.
        public var withdrawn: [String] = []
        /// Muted intents to send now, as recorded (same ids): the one catch-up of a breached
        /// clock whose silence ended.
        public var unsilenced: [Intent] = []
    }

    /// The team a ticket belongs to: the first whose `match` holds.
    public func team(for ticket: Ticket) -> Team? {
        teams.first { $0.match.holds(for: ticket) }
    }

    /// Decides one ticket at `now`.
    ///
    /// `history` holds what earlier ticks recorded, by clock key; `earlierBreaches` is how
    /// many other clocks of this customer breached within the repeated-breach window.
    ///
    /// `holds` gives, by clock key, the latest acknowledgement or snooze of a clock;
    /// `silences` the silences standing and those that ended (for the catch-up's words).
    public func decide(
        ticket: Ticket, clocks: [SLAClock], history: LadderHistory, earlierBreaches: Int, now: Date,
        holds: [String: ClockHold] = [:], silences: [Silence] = []
    ) -> Decision {
        var decision = Decision()
        for clock in clocks {
            let key = ClockKey.make(ticket.key, clock.metric, clock.cycle)
            let records = history.records(for: key)
            if clock.state.isOpen {
                let hold = holds.isEmpty ? nil : holds[key]
                open(
                    clock, of: ticket, records: records, earlierBreaches: earlierBreaches, hold: hold, silences: silences, now: now,
                    into: &decision)
            } else {
                closed(clock, of: ticket, records: records, into: &decision)
            }
        }
        return decision
    }

    // MARK: Open clocks

    private func open(
        _ clock: SLAClock, of ticket: Ticket, records: [LadderRecord], earlierBreaches: Int, hold: ClockHold?,
        silences: [Silence], now: Date, into decision: inout Decision
    ) {
        if clock.state == .breached, let due = clock.dueAt {
            decision.breaches.append(BreachRecord(
                ticketKey: ticket.key, customerID: ticket.customer.id, metric: clock.metric, cycle: clock.cycle, at: due
            ))
        }
        guard let ladder = clock.ladder else { return }
        let fired = Set(records.map(\.step))
        if let hold, hold.holds(at: now) {
            // Held: the team hears who answered, once per channel already pinged; the
            // customer is not held.
            acknowledged(clock, of: ticket, hold: hold, records: records, fired: fired, into: &decision)
            customerNotice(for: clock, of: ticket, ladder: ladder, fired: fired, now: now, into: &decision)
            return
        }
        // What has fired, as business time on this clock: the latest repetition per step,
        // and the highest threshold of any step. A step never fires after a higher one
        // has (that is the catch-up rule), so passed-over steps need no record of their own.
        var latestFired: [Substring: Int] = [:]
        var highWater = -1
        for record in records where record.kind != .customerNotice && record.kind != .allClear && record.kind != .acknowledged {
            let parts = record.step.split(separator: "#", maxSplits: 1)
            let repetition = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            latestFired[parts[0]] = max(latestFired[parts[0]] ?? -1, repetition)
            if let step = ladder.steps.first(where: { $0.label == parts[0] }) {
                highWater = max(highWater, step.threshold.elapsed(forTarget: clock.targetSeconds) + repetition * (step.repeatEvery ?? 0))
            }
        }
        // By position in the ladder: steps are not copied for every clock.
        var due: [(step: Int, repetition: Int, elapsed: Int)] = []
        for (position, step) in ladder.steps.enumerated() {
            let first = step.threshold.elapsed(forTarget: clock.targetSeconds)
            guard first <= clock.elapsedSeconds else { continue }
            var repetition = 0
            if let every = step.repeatEvery, every > 0 { repetition = (clock.elapsedSeconds - first) / every }
            // Only the latest repetition reached is owed; earlier ones are never sent late.
            guard repetition > latestFired[Substring(step.label), default: -1] else { continue }
            let elapsed = first + repetition * (step.repeatEvery ?? 0)
            guard elapsed > highWater || (elapsed == highWater && !fired.contains(Escalator.label(step, repetition))) else { continue }
            due.append((position, repetition, elapsed))
        }
        // The customer hears after the team's ping of the same tick.
        defer { customerNotice(for: clock, of: ticket, ladder: ladder, fired: fired, now: now, into: &decision) }
        guard let highest = due.lazy.map(\.elapsed).max() else {
            if !silences.isEmpty {
                afterSilence(clock, of: ticket, ladder: ladder, records: records, silences: silences, now: now, into: &decision)
            }
            return
        }
        let passedOver = due.contains { $0.elapsed != highest }
        let crossedAt = clock.instant(atElapsed: highest) ?? now
        let isLate = passedOver || now.timeIntervalSince(crossedAt) > Double(lateAfterSeconds)
        // A step reached while a hold stood goes out now that it ended, saying so.
        let heldBack = hold.flatMap { crossedAt < $0.until ? $0 : nil }

        let breachAlreadyPinged = records.contains { record in
            let label = Escalator.stepLabel(of: record.step)
            return ladder.steps.contains { $0.threshold.isBreach && $0.label == label }
        }
        let team = team(for: ticket)
        for (position, repetition, elapsed) in due where elapsed == highest {
            let step = ladder.steps[position]
            let label = Escalator.label(step, repetition)
            let kind: Intent.Kind = !step.threshold.isBreach ? .warning : repetition > 0 ? .repeat : .breach
            var recipients = resolve(step.notify, team: team)
            if step.threshold.isBreach, !breachAlreadyPinged, let rule = repeatedBreaches, earlierBreaches >= rule.count {
                recipients += resolve([Role.executive.rawValue], team: team).filter { new in
                    !recipients.contains { $0.channel == new.channel }
                }
            }
            if recipients.isEmpty {
                decision.intents.append(Intent(
                    ticketID: ticket.id, source: ticket.source, metric: clock.metric, cycle: clock.cycle, step: label, kind: .skipped,
                    channel: nil, reason: "no channel for \(step.notify.joined(separator: ", ")) in team \(team?.name ?? "(none)")"
                ))
                continue
            }
            for (role, channel) in recipients {
                let notBefore = kind == .warning ? quietUntil(on: channel, at: now) : nil
                var intent = Intent(
                    ticketID: ticket.id, source: ticket.source, metric: clock.metric, cycle: clock.cycle, step: label, kind: kind,
                    channel: channel, role: role, isLate: isLate, notBefore: notBefore
                )
                intent.hold = heldBack
                if let silence = Silence.muting(kind, of: ticket, among: silences, at: now) {
                    // Recorded, so it never fires later; nobody is told, now or after quiet hours.
                    intent.silencing = .muted(silence)
                    intent.notBefore = nil
                }
                decision.intents.append(intent)
                // A later step reaching a channel replaces a warning still held for it.
                for record in records where record.isHeld && record.channel == channel {
                    decision.withdrawn.append(Intent.id(clockKey: ClockKey.make(ticket.key, clock.metric, clock.cycle), step: record.step, channel: channel))
                }
            }
        }
    }

    /// The customer notice of the highest step crossed that carries one, once per clock:
    /// also when that step was passed over, or its notice held back (stale data) at the time.
    private func customerNotice(
        for clock: SLAClock, of ticket: Ticket, ladder: EscalationLadder, fired: Set<String>, now: Date,
        into decision: inout Decision
    ) {
        guard let channel = customerChannel, !fired.contains(Escalator.customerNoticeStep),
              clock.allowsCustomerNotices, !optedOut(ticket) else { return }
        let crossed = ladder.steps.filter { step in
            step.customerNotice != nil && step.threshold.elapsed(forTarget: clock.targetSeconds) <= clock.elapsedSeconds
        }
        guard let step = crossed.max(by: {
            $0.threshold.elapsed(forTarget: clock.targetSeconds) < $1.threshold.elapsed(forTarget: clock.targetSeconds)
        }) else { return }
        let crossedAt = clock.instant(atElapsed: step.threshold.elapsed(forTarget: clock.targetSeconds)) ?? now
        decision.intents.append(Intent(
            ticketID: ticket.id, source: ticket.source, metric: clock.metric, cycle: clock.cycle, step: Escalator.customerNoticeStep,
            kind: .customerNotice, channel: channel, isLate: now.timeIntervalSince(crossedAt) > Double(lateAfterSeconds),
            template: step.customerNotice
        ))
    }

    /// "Acknowledged by" to every channel already pinged about the clock, once per hold.
    private func acknowledged(
        _ clock: SLAClock, of ticket: Ticket, hold: ClockHold, records: [LadderRecord], fired: Set<String>,
        into decision: inout Decision
    ) {
        let step = hold.noticeStep
        var told = Set(records.filter { $0.step == step }.compactMap(\.channel))
        for record in records where !record.isHeld && !record.isSilenced {
            guard record.kind == .warning || record.kind == .breach || record.kind == .repeat,
                  let channel = record.channel, !told.contains(channel) else { continue }
            told.insert(channel)
            var intent = Intent(
                ticketID: ticket.id, source: ticket.source, metric: clock.metric, cycle: clock.cycle, step: step, kind: .acknowledged,
                channel: channel)
            intent.hold = hold
            decision.intents.append(intent)
        }
    }

    /// The one catch-up of a breached clock whose latest news a silence muted, once no
    /// silence mutes it: the muted records of the highest step reached go out (late, under
    /// their own ids), so the team hears once where the clock stands. A clock whose team
    /// heard a step at least as high since (the silence muted warnings, not the breach)
    /// needs none; a clock no longer breached gets none (its next step fires as usual).
    private func afterSilence(
        _ clock: SLAClock, of ticket: Ticket, ladder: EscalationLadder, records: [LadderRecord], silences: [Silence], now: Date,
        into decision: inout Decision
    ) {
        guard clock.state == .breached, records.contains(where: \.isSilenced) else { return }
        func elapsed(_ record: LadderRecord) -> Int? {
            let parts = record.step.split(separator: "#", maxSplits: 1)
            guard let step = ladder.steps.first(where: { $0.label == parts[0] }) else { return nil }
            let repetition = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            return step.threshold.elapsed(forTarget: clock.targetSeconds) + repetition * (step.repeatEvery ?? 0)
        }
        var mutedHighest = -1, toldHighest = -1
        for record in records where record.kind == .warning || record.kind == .breach || record.kind == .repeat {
            guard let reached = elapsed(record) else { continue }
            if record.isSilenced { mutedHighest = max(mutedHighest, reached) } else { toldHighest = max(toldHighest, reached) }
        }
        guard mutedHighest > toldHighest else { return }
        let muted = records.filter { $0.isSilenced && elapsed($0) == mutedHighest }
        guard !muted.contains(where: { Silence.muting($0.kind, of: ticket, among: silences, at: now) != nil }) else { return }
        let ended = silences.filter { silence in
            silence.endsAt <= now && muted.contains { silence.mutes($0.kind) } && silence.match.holds(for: ticket)
        }.max { $0.endsAt < $1.endsAt }
        for record in muted {
            var intent = Intent(
                ticketID: ticket.id, source: ticket.source, metric: clock.metric, cycle: clock.cycle, step: record.step,
                kind: record.kind, channel: record.channel, role: record.role, isLate: true)
            intent.silencing = .ended(ended)
            decision.unsilenced.append(intent)
        }
    }

    // MARK: Fulfilled clocks

    private func closed(_ clock: SLAClock, of ticket: Ticket, records: [LadderRecord], into decision: inout Decision) {
        // Fulfilled late: a breach, also when it was never seen open past its due time (it
        // went by between polls, or while the daemon was down).
        if clock.state == .missed, let due = clock.dueAt {
            decision.breaches.append(BreachRecord(
                ticketKey: ticket.key, customerID: ticket.customer.id, metric: clock.metric, cycle: clock.cycle, at: due
            ))
        }
        let key = ClockKey.make(ticket.key, clock.metric, clock.cycle)
        for record in records where record.isHeld {
            decision.withdrawn.append(Intent.id(clockKey: key, step: record.step, channel: record.channel))
        }
        guard clock.ladder?.allClear == true, !records.contains(where: { $0.step == Escalator.allClearStep }) else { return }
        var channels: [String] = []
        for record in records where !record.isHeld && !record.isSilenced && record.kind != .skipped
            && record.kind != .customerNotice && record.kind != .acknowledged {
            if let channel = record.channel, !channels.contains(channel) { channels.append(channel) }
        }
        for channel in channels {
            decision.intents.append(Intent(
                ticketID: ticket.id, source: ticket.source, metric: clock.metric, cycle: clock.cycle, step: Escalator.allClearStep,
                kind: .allClear, channel: channel
            ))
        }
    }

    /// True when the ticket's tags or the customer's tier opted out of customer notices.
    private func optedOut(_ ticket: Ticket) -> Bool {
        ticket.tags.contains { customerOptOut.tags.contains($0.lowercased()) }
            || ticket.customer.tier.map { customerOptOut.tiers.contains($0.lowercased()) } ?? false
    }

    // MARK: Routing

    /// Roles resolved through the ticket's team, channel names kept, duplicates dropped.
    public func resolve(_ names: [String], team: Team?) -> [(role: Role?, channel: String)] {
        var result: [(role: Role?, channel: String)] = []
        for name in names {
            if let role = Role(rawValue: name) {
                for channel in team?.roles[role] ?? [] where !result.contains(where: { $0.channel == channel }) {
                    result.append((role, channel))
                }
            } else if !result.contains(where: { $0.channel == name }) {
                result.append((nil, name))
            }
        }
        return result
    }

    static let allClearStep = "all_clear"
    static let customerNoticeStep = "customer_notice"

    /// The step's `at` in a recorded step name, without its `#N`.
    public static func stepLabel(of recorded: String) -> Substring {
        recorded.split(separator: "#", maxSplits: 1).first ?? Substring(recorded)
    }

    /// A step's name in keys: its `at`, with `#N` for its N-th repeat.
    static func label(_ step: LadderStep, _ repetition: Int) -> String {
        repetition == 0 ? step.label : "\(step.label)#\(repetition)"
    }
}

/// `repeated_breaches`: after `count` breaches of one customer within `windowSeconds`,
/// the customer's next breach also goes to the `executive` role.
public struct RepeatedBreachRule: Sendable, Hashable {
    public var count: Int
    public var windowSeconds: Int

    public init(count: Int, windowSeconds: Int) {
        self.count = count
        self.windowSeconds = windowSeconds
    }
}
