public import Foundation
import BusinessTime

extension SLAEngine {
    /// Every occurrence of every configured risk that `ticket` reached by `now`, in the
    /// order of the `risks:` configuration, then of occurrence. Pure, like the clocks.
    ///
    /// `observed` adds the transitions recorded between polls (a reassignment a snapshot
    /// source only shows as a changed group counts); `clocks` are the ticket's clocks at
    /// `now`, which `stalled` consults (a stall while a clock is breached is the breach's).
    public func risks(for ticket: Ticket, observed: [TicketEvent] = [], clocks: [SLAClock], at now: Date) -> [RiskOccurrence] {
        guard !risks.isEmpty, ticket.createdAt <= now else { return [] }
        let timeline = TicketTimeline(ticket: ticket, observed: observed, now: epoch(now), handoffs: true)
        var found: [RiskOccurrence] = []
        func add(_ rule: RiskRule, _ number: Int, _ at: Int64, _ detail: String) {
            found.append(RiskOccurrence(ticketID: ticket.id, source: ticket.source, risk: rule.kind, occurrence: number, since: date(at), detail: detail))
        }
        for rule in risks {
            let count = max(1, rule.count)
            switch rule.kind {
            case .followUps:
                for (n, hit) in followUps(timeline, count: count, within: rule.seconds).enumerated() {
                    add(rule, n + 1, hit.at, "\(hit.messages) customer messages without a public answer since \(Timestamp(date(hit.first)))")
                }
            case .reassignments:
                let changes = timeline.handoffs
                for n in stride(from: count, through: changes.count, by: count) {
                    let groups = changes[..<n].filter(\.isGroup).count
                    add(rule, n / count, changes[n - 1].at,
                        "\(n) group or assignee changes (\(groups) of group, \(n - groups) of assignee) since \(Timestamp(date(changes[0].at)))")
                }
            case .reopened:
                let reopens = reopenings(timeline)
                for n in stride(from: count, through: reopens.count, by: count) {
                    add(rule, n / count, reopens[n - 1], n == 1 ? "reopened after being solved" : "reopened \(n) times after being solved")
                }
            case .pingPong:
                let trips = roundTrips(timeline)
                for n in stride(from: count, through: trips.count, by: count) {
                    add(rule, n / count, trips[n - 1], "\(n) round trips of customer message and public reply while unsolved")
                }
            case .stalled:
                guard let after = rule.seconds else { continue }
                let calendar = plans.first { $0.match.holds(for: ticket) }?.calendar ?? .alwaysOpen
                var number = 0
                for stall in stalls(timeline, after: after, calendar: calendar) where !breached(clocks, at: stall.at) {
                    number += 1
                    add(rule, number, stall.at, "no public agent reply for \(DurationText.words(after, business: !calendar.isAlwaysOpen)) "
                        + "since \(Timestamp(date(stall.from)))")
                }
            }
        }
        return found
    }

    // MARK: Detectors

    /// Per run of customer messages between public replies, the instant `count` of them
    /// fell within `within` of each other (at most once per run).
    private func followUps(_ timeline: TicketTimeline, count: Int, within: Int?) -> [(at: Int64, first: Int64, messages: Int)] {
        var hits: [(at: Int64, first: Int64, messages: Int)] = []
        var run: [Int64] = []
        var fired = false
        for message in timeline.conversation {
            guard message.fromCustomer else {
                run.removeAll()
                fired = false
                continue
            }
            run.append(message.at)
            if let within { run.removeAll { $0 <= message.at - Int64(within) } }
            if !fired && run.count >= count {
                fired = true
                hits.append((message.at, run[0], run.count))
            }
        }
        return hits
    }

    /// The instants the ticket left a solved or closed status for an open one.
    private func reopenings(_ timeline: TicketTimeline) -> [Int64] {
        zip(timeline.statuses, timeline.statuses.dropFirst()).compactMap { before, after in
            before.status.isSolved && !after.status.isSolved ? after.at : nil
        }
    }

    /// The public replies that answered a customer message while the ticket was unsolved.
    private func roundTrips(_ timeline: TicketTimeline) -> [Int64] {
        var trips: [Int64] = []
        var waiting = false
        for message in timeline.conversation {
            if message.fromCustomer {
                waiting = true
            } else if waiting {
                waiting = false
                if !(timeline.status(at: message.at)?.isSolved ?? false) { trips.append(message.at) }
            }
        }
        return trips
    }

    /// Each stretch from creation or a public reply to the next public reply in which the
    /// ticket, while new, open or on hold, went `after` business seconds unanswered: the
    /// instant it did, and the stretch's start. Waiting on the customer or solved does not count.
    private func stalls(_ timeline: TicketTimeline, after: Int, calendar: BusinessCalendar) -> [(at: Int64, from: Int64)] {
        let replies = timeline.conversation.filter { !$0.fromCustomer }.map(\.at)
        var starts = [timeline.created] + replies.filter { $0 > timeline.created }
        starts = starts.reduce(into: []) { if $0.last != $1 { $0.append($1) } }
        var result: [(at: Int64, from: Int64)] = []
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1] : timeline.now
            let statuses = timeline.statuses
            var spells: [StopSpell] = []
            for (i, change) in statuses.enumerated() where change.status == .pendingCustomer || change.status.isSolved {
                let spellEnd = i + 1 < statuses.count ? statuses[i + 1].at : nil
                if let spellEnd, spellEnd <= start { continue }
                let spellStart = max(change.at, start)
                guard spellStart < end else { break }
                spells.append(StopSpell(start: spellStart, end: spellEnd.map { min($0, end) }, limit: end, status: change.status))
            }
            let schedule = ClockSchedule(calendar: calendar, start: start, spells: spells)
            if let at = schedule.instant(reaching: Int64(after)), at <= timeline.now,
               index + 1 < starts.count ? at < end : true {
                result.append((at, start))
            }
        }
        return result
    }

    /// True when some clock was open and past its due time at `instant`.
    private func breached(_ clocks: [SLAClock], at instant: Int64) -> Bool {
        let moment = date(instant)
        return clocks.contains { clock in
            guard let due = clock.dueAt, clock.startedAt <= moment, due <= moment else { return false }
            return clock.fulfilledAt.map { $0 > moment } ?? true
        }
    }
}

extension TicketTimeline {
    /// The status in force at an instant (a change at that instant applies).
    func status(at instant: Int64) -> TicketStatus? {
        statuses.last { $0.at <= instant }?.status
    }
}
