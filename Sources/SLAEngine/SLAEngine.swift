public import Foundation
public import BusinessTime

/// Runs every SLA clock of a ticket: pure, no clock reads, no I/O; time is an argument.
public struct SLAEngine: Sendable {
    /// In configuration order: the order breaks ties between equally aggressive targets.
    public var policies: [Policy]
    public var pause: PauseRules
    /// Ladders by name.
    public var ladders: [String: EscalationLadder]

    public init(policies: [Policy], pause: PauseRules = PauseRules(), ladders: [String: EscalationLadder] = [:]) {
        self.policies = policies
        self.pause = pause
        self.ladders = ladders
    }

    /// Every clock of `ticket` as it stands at `now`, in metric then cycle order.
    ///
    /// `observed` adds transitions the daemon recorded between polls to the ticket's own
    /// events. Events after `now` are ignored, so evaluating at a past instant replays
    /// the ticket as it was then. A ticket created after `now` has no clocks.
    public func clocks(for ticket: Ticket, observed: [TicketEvent] = [], at now: Date) -> [SLAClock] {
        let t = epoch(now)
        guard epoch(ticket.createdAt) <= t else { return [] }
        let matching = policies.filter { $0.match.holds(for: ticket) }
        guard !matching.isEmpty else { return [] }
        let timeline = TicketTimeline(ticket: ticket, observed: observed, now: t)
        var result: [SLAClock] = []
        for metric in Metric.allCases {
            let targets = matching.compactMap { policy in
                policy.target(priority: ticket.priority, metric: metric).map { (policy, $0) }
            }
            guard !targets.isEmpty else { continue }
            for (index, cycle) in cycles(of: metric, in: timeline).enumerated() {
                result.append(clock(
                    ticket: ticket.id, metric: metric, cycle: index + 1, span: cycle,
                    timeline: timeline, targets: targets
                ))
            }
        }
        return result
    }

    // MARK: Cycles

    /// The (start, fulfilment) spans of a metric's cycles.
    func cycles(of metric: Metric, in timeline: TicketTimeline) -> [(start: Int64, end: Int64?)] {
        let firstSolve = timeline.solvedSpells.first?.start
        switch metric {
        case .firstResponse:
            return [(timeline.created, timeline.firstReply ?? firstSolve)]
        case .resolution:
            let current = timeline.solvedSpells.last
            return [(timeline.created, current?.end == nil ? current?.start : nil)]
        case .nextReply:
            guard let first = timeline.firstReply else { return [] }
            return conversationCycles(timeline, from: first, opensOnCustomer: true)
        case .periodicUpdate:
            return conversationCycles(timeline, from: timeline.created, opensOnCustomer: false)
        }
    }

    /// Walks statuses and the conversation in time order.
    ///
    /// `next_reply` (opensOnCustomer): after `from`, an unanswered customer message opens a
    /// cycle, the next public reply meets it. `periodic_update`: a cycle runs from `from`
    /// and from each public reply to the next one. Either way a solve meets the open cycle,
    /// and `periodic_update` starts again when the ticket reopens.
    private func conversationCycles(
        _ timeline: TicketTimeline, from: Int64, opensOnCustomer: Bool
    ) -> [(start: Int64, end: Int64?)] {
        var cycles: [(start: Int64, end: Int64?)] = []
        var open: Int64? = opensOnCustomer ? nil : from
        var solved = false
        var s = 1, c = 0
        let statuses = timeline.statuses, conversation = timeline.conversation
        func close(_ at: Int64) {
            if let start = open { cycles.append((start, at)); open = nil }
        }
        while s < statuses.count || c < conversation.count {
            // Status changes first at equal instants, as in the timeline.
            if s < statuses.count && (c >= conversation.count || statuses[s].at <= conversation[c].at) {
                let change = statuses[s]
                s += 1
                if change.status.isSolved && !solved {
                    solved = true
                    close(change.at)
                } else if !change.status.isSolved && solved {
                    solved = false
                    if !opensOnCustomer && open == nil { open = change.at }
                }
                continue
            }
            let message = conversation[c]
            c += 1
            if message.fromCustomer {
                if opensOnCustomer && !solved && open == nil && message.at >= from { open = message.at }
            } else if message.at >= from {
                close(message.at)
                if !opensOnCustomer && !solved { open = message.at }
            }
        }
        if let start = open { cycles.append((start, nil)) }
        if opensOnCustomer {
            // The first reply itself answers nothing on this clock; a message at that very
            // instant before it is part of the first response.
            cycles.removeAll { $0.start == from && $0.end == from }
        }
        return cycles
    }

    // MARK: One clock

    private func clock(
        ticket: String, metric: Metric, cycle: Int, span: (start: Int64, end: Int64?),
        timeline: TicketTimeline, targets: [(Policy, Int)]
    ) -> SLAClock {
        let start = span.start
        let limit = span.end ?? timeline.now
        var stopSet = pause[metric]
        if metric == .resolution { stopSet.formUnion([.solved, .closed]) }
        // Spells that stop the clock, clipped to [start, limit]; an ongoing one ends "now"
        // for projecting the due time (the time it would be due if it resumed now).
        var stops: [ClockStop] = []
        var stopRanges: [Range<Int64>] = []
        for spell in timeline.spells(in: stopSet, from: start) where spell.start < limit {
            let end = spell.end.map { min($0, limit) }
            // A resolution clock's final solve is its fulfilment, not a stop.
            if metric == .resolution, span.end == spell.start { continue }
            stops.append(ClockStop(start: date(spell.start), end: end.map(date), status: spell.status))
            let upper = end ?? limit
            if spell.start < upper { stopRanges.append(spell.start..<upper) }
        }

        var candidates: [TargetCandidate] = []
        var winner = 0
        var winnerDue: Int64?
        for (i, (policy, target)) in targets.enumerated() {
            let due = instant(reaching: Int64(target), from: start, stops: stopRanges, calendar: policy.calendar)
            candidates.append(TargetCandidate(
                policy: policy.name, calendar: policy.calendar.name, targetSeconds: target, dueAt: due.map(date)
            ))
            if i == 0 || (due != nil && (winnerDue == nil || due! < winnerDue!)) {
                winner = i
                winnerDue = due
            }
        }
        let (policy, target) = targets[winner]
        let calendar = policy.calendar

        let total = calendar.duration(fromEpoch: start, toEpoch: limit)
        var paused: Int64 = 0
        for range in stopRanges {
            paused += calendar.duration(fromEpoch: range.lowerBound, toEpoch: min(range.upperBound, limit))
        }
        let elapsed = Int(total - paused)
        let remaining = target - elapsed

        let state: ClockState
        if let end = span.end {
            state = winnerDue.map { end <= $0 } ?? false ? .met : .missed
        } else if elapsed >= target {
            state = .breached
        } else if stopSet.contains(timeline.currentStatus) {
            state = .paused
        } else {
            state = .running
        }

        let ladder = ladders[policy.ladderName(for: metric)]
        var thresholds: [StepCrossing] = []
        var next: StepCrossing?
        if let ladder {
            for step in ladder.steps {
                let needed = step.threshold.elapsed(forTarget: target)
                thresholds.append(StepCrossing(
                    step: step, repetition: 0, elapsedSeconds: needed,
                    at: instant(reaching: Int64(needed), from: start, stops: stopRanges, calendar: calendar).map(date)
                ))
            }
            if state.isOpen {
                // The crossing after now is the smallest threshold still above the elapsed time.
                var best: (elapsed: Int, step: LadderStep, repetition: Int)?
                for step in ladder.steps {
                    var needed = step.threshold.elapsed(forTarget: target)
                    var repetition = 0
                    if needed <= elapsed, let every = step.repeatEvery, every > 0 {
                        repetition = (elapsed - needed) / every + 1
                        needed += repetition * every
                    }
                    if needed > elapsed && (best == nil || needed < best!.elapsed) {
                        best = (needed, step, repetition)
                    }
                }
                if let best {
                    next = StepCrossing(
                        step: best.step, repetition: best.repetition, elapsedSeconds: best.elapsed,
                        at: instant(reaching: Int64(best.elapsed), from: start, stops: stopRanges, calendar: calendar)
                            .map(date)
                    )
                }
            }
        }

        return SLAClock(
            ticketID: ticket, metric: metric, cycle: cycle, policy: policy.name, calendar: calendar.name,
            targetSeconds: target, startedAt: date(start), dueAt: winnerDue.map(date), fulfilledAt: span.end.map(date),
            elapsedSeconds: elapsed, pausedSeconds: Int(paused), remainingSeconds: remaining, state: state,
            thresholds: thresholds, nextStep: next, candidates: candidates, stops: stops, ladder: ladder?.name
        )
    }

    /// The earliest instant at which `amount` business seconds have run from `start`,
    /// skipping `stops` (sorted, disjoint).
    func instant(reaching amount: Int64, from start: Int64, stops: [Range<Int64>], calendar: BusinessCalendar) -> Int64? {
        guard amount > 0 else { return start }
        var cursor = start
        var needed = amount
        for stop in stops {
            if stop.lowerBound > cursor {
                let available = calendar.duration(fromEpoch: cursor, toEpoch: stop.lowerBound)
                if needed <= available { return calendar.adding(needed, toEpoch: cursor) }
                needed -= available
            }
            cursor = max(cursor, stop.upperBound)
        }
        return calendar.adding(needed, toEpoch: cursor)
    }
}
