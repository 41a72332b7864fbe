public import Foundation
import BusinessTime

/// Runs every SLA clock of a ticket: pure, no clock reads, no I/O; time is an argument.
public struct SLAEngine: Sendable {
    /// In configuration order: the order breaks ties between equally aggressive targets.
    public let policies: [Policy]
    public let pause: PauseRules
    /// Ladders by name.
    public let ladders: [String: EscalationLadder]
    /// Declared exceptions, in configuration order.
    public let exceptions: [SLAException]
    /// The configured risk detectors (`risks:`); empty runs none.
    public let risks: [RiskRule]

    /// Per policy and metric, the target for each priority and the ladder, looked up
    /// once here rather than hashed on every clock.
    let plans: [PolicyPlan]
    /// Per metric (in `Metric.allCases` order), the statuses that stop its clock.
    private let stopSets: [StatusSet]

    public init(
        policies: [Policy], pause: PauseRules = PauseRules(), ladders: [String: EscalationLadder] = [:], risks: [RiskRule] = [],
        exceptions: [SLAException] = []
    ) {
        self.policies = policies
        self.pause = pause
        self.ladders = ladders
        self.exceptions = exceptions
        self.risks = risks
        plans = policies.map { PolicyPlan(policy: $0, ladders: ladders) }
        stopSets = Metric.allCases.map { metric in
            var set = StatusSet(pause[metric])
            if metric == .resolution { set.insert(.solved); set.insert(.closed) }
            return set
        }
    }

    /// Every clock of `ticket` as it stands at `now`, in metric then cycle order.
    ///
    /// `observed` adds transitions the daemon recorded between polls to the ticket's own
    /// events. Events after `now` are ignored, so evaluating at a past instant replays
    /// the ticket as it was then. A ticket created after `now` has no clocks.
    public func clocks(for ticket: Ticket, observed: [TicketEvent] = [], at now: Date) -> [SLAClock] {
        let t = epoch(now)
        guard epoch(ticket.createdAt) <= t else { return [] }
        let matching = plans.filter { $0.match.holds(for: ticket) }
        guard !matching.isEmpty else { return [] }
        let withGroups = matching.contains { !$0.groupTargets.isEmpty }
        let timeline = TicketTimeline(ticket: ticket, observed: observed, now: t, handoffs: withGroups)
        let declared = exceptions.isEmpty ? TicketExceptions() : TicketExceptions(exceptions, ticket: ticket)
        var result: [SLAClock] = []
        let id = ticket.id, source = ticket.source, priority = ticket.priority
        for (m, metric) in Metric.allCases.enumerated() {
            if metric == .groupResponse {
                guard withGroups else { continue }
                for (index, spell) in groupCycles(in: timeline, plans: matching).enumerated() {
                    result.append(clock(
                        ticket: id, source: source, priority: priority, metric: metric, cycle: index + 1, span: spell.span,
                        timeline: timeline, plans: matching, group: spell.group, exceptions: declared
                    ))
                }
                continue
            }
            guard matching.contains(where: { $0.target(priority, m) != nil }) else { continue }
            func add(cycle: Int, _ span: (start: Int64, end: Int64?)) {
                result.append(clock(
                    ticket: id, source: source, priority: priority, metric: metric, cycle: cycle, span: span,
                    timeline: timeline, plans: matching, exceptions: declared
                ))
            }
            switch metric {
            case .firstResponse:
                add(cycle: 1, (timeline.created, timeline.firstReply ?? timeline.firstSolve))
            case .resolution:
                add(cycle: 1, (timeline.created, timeline.currentSolve))
            case .nextReply, .periodicUpdate:
                for (index, span) in cycles(of: metric, in: timeline).enumerated() { add(cycle: index + 1, span) }
            case .groupResponse:
                break
            }
        }
        return result
    }

    // MARK: Cycles

    /// The (start, fulfilment) spans of the cycles of `next_reply` or `periodic_update`.
    private func cycles(of metric: Metric, in timeline: TicketTimeline) -> [(start: Int64, end: Int64?)] {
        if metric == .nextReply {
            guard let first = timeline.firstReply else { return [] }
            return conversationCycles(timeline, from: first, opensOnCustomer: true)
        }
        return conversationCycles(timeline, from: timeline.created, opensOnCustomer: false)
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

    /// The spells of `group_response`: each entry into a group some matching policy has a
    /// target for runs until that group's first agent reply (a private note counts), the
    /// ticket leaving the group (it was handed on), or a solve, whichever comes first.
    private func groupCycles(
        in timeline: TicketTimeline, plans: [PolicyPlan]
    ) -> [(group: String, span: (start: Int64, end: Int64?))] {
        var result: [(group: String, span: (start: Int64, end: Int64?))] = []
        let groups = timeline.groups
        for (index, spell) in groups.enumerated() {
            guard let group = spell.group, plans.contains(where: { $0.groupTarget(group) != nil }) else { continue }
            let start = spell.at
            let leave = index + 1 < groups.count ? groups[index + 1].at : nil
            let reply = timeline.agentReplies.first { reply in reply >= start && (leave.map { reply < $0 } ?? true) }
            let solve = timeline.statuses.last { $0.at <= start }.flatMap { $0.status.isSolved ? start : nil }
                ?? timeline.statuses.first { $0.at > start && $0.status.isSolved }?.at
            let end = [reply, leave, solve].compactMap { $0 }.min()
            result.append((group, (start, end)))
        }
        return result
    }

    // MARK: One clock

    private func clock(
        ticket: String, source: String, priority: TicketPriority, metric: Metric, cycle: Int, span: (start: Int64, end: Int64?),
        timeline: TicketTimeline, plans: [PolicyPlan], group: String? = nil, exceptions: TicketExceptions = TicketExceptions()
    ) -> SLAClock {
        let start = span.start
        let limit = span.end ?? timeline.now
        let m = metric.index
        let stopSet = stopSets[m]
        // Spells that stop the clock, clipped to [start, limit]; an ongoing one ends "now"
        // for projecting the due time (the time it would be due if it resumed now).
        var spells: [StopSpell] = []
        let statuses = timeline.statuses
        for (i, change) in statuses.enumerated() where stopSet.contains(change.status) {
            let spellEnd = i + 1 < statuses.count ? statuses[i + 1].at : nil
            let spellStart = max(change.at, start)
            if let spellEnd, spellEnd <= start { continue }
            guard spellStart < limit else { break }
            // A resolution clock's final solve is its fulfilment, not a stop.
            if metric == .resolution, span.end == spellStart { continue }
            spells.append(StopSpell(start: spellStart, end: spellEnd.map { min($0, limit) }, limit: limit, status: change.status))
        }
        if !exceptions.isEmpty {
            spells = exceptions.spells(adding: spells, from: start, to: span.end, limit: limit)
        }

        var winner: PolicyPlan?
        var winnerTarget = 0
        var winnerDue: Int64?
        for plan in plans {
            guard let written = group == nil ? plan.target(priority, m) : plan.groupTarget(group) else { continue }
            let target = exceptions.target(written)
            let due = ClockSchedule(calendar: plan.calendar, start: start, spells: spells).instant(reaching: Int64(target))
            if winner == nil || (due != nil && (winnerDue == nil || due! < winnerDue!)) {
                winner = plan
                winnerTarget = target
                winnerDue = due
            }
        }
        let plan = winner!
        let target = winnerTarget
        let schedule = ClockSchedule(calendar: plan.calendar, start: start, spells: spells)

        let total = plan.calendar.duration(fromEpoch: start, toEpoch: limit)
        var paused: Int64 = 0
        // A declared window may reach past the limit; only what lies before it has stood still.
        for spell in spells where spell.start < limit {
            paused += plan.calendar.duration(fromEpoch: spell.start, toEpoch: min(spell.upper, limit))
        }
        let elapsed = Int(total - paused)

        let state: ClockState
        if let end = span.end {
            state = winnerDue.map { end <= $0 } ?? false ? .met : .missed
        } else if elapsed >= target {
            state = .breached
        } else if stopSet.contains(timeline.currentStatus) || exceptions.pauses(at: limit) {
            state = .paused
        } else {
            state = .running
        }

        var next = NextCrossing.none
        if let ladder = plan.ladders[m], state.isOpen {
            // The crossing after now is the smallest threshold still above the elapsed time.
            var best: (elapsed: Int, step: Int, repetition: Int)?
            for (index, step) in ladder.steps.enumerated() {
                var needed = step.threshold.elapsed(forTarget: target)
                var repetition = 0
                if needed <= elapsed, let every = step.repeatEvery, every > 0 {
                    repetition = (elapsed - needed) / every + 1
                    needed += repetition * every
                }
                if needed > elapsed && (best == nil || needed < best!.elapsed) {
                    best = (needed, index, repetition)
                }
            }
            if let best {
                next = NextCrossing(
                    step: Int32(best.step), repetition: Int32(clamping: best.repetition), elapsedSeconds: best.elapsed,
                    at: schedule.instant(reaching: Int64(best.elapsed)) ?? .min
                )
            }
        }

        return SLAClock(
            ticketID: ticket, source: source, metric: metric, cycle: cycle, priority: priority, origin: plan, rivals: plans,
            targetSeconds: target, factor: exceptions.factor.map { ExceptionFactor(name: $0.name, value: $0.value) },
            start: start, dueAt: winnerDue, fulfilledAt: span.end,
            elapsedSeconds: elapsed, pausedSeconds: Int(paused), state: state, next: next, spells: spells, group: group
        )
    }
}

/// A policy's targets and ladders laid out for lookup by position. A class, so that a
/// clock refers to the policy that set it without copying it.
final class PolicyPlan: Sendable, Hashable {
    let name: String
    let match: TicketMatch
    let calendar: BusinessCalendar
    let customerNotices: Bool
    /// `group_targets`, keys lowercased.
    let groupTargets: [String: Int]
    /// Target seconds at `priority * metrics + metric`; `priority` 4 is `any`.
    private let targets: [Int?]
    /// The ladder per metric, nil when the configuration has none of that name.
    let ladders: [EscalationLadder?]

    init(policy: Policy, ladders: [String: EscalationLadder]) {
        name = policy.name
        match = policy.match
        calendar = policy.calendar
        customerNotices = policy.customerNotices
        groupTargets = policy.groupTargets
        let metrics = Metric.allCases
        targets = (TicketPriority.allCases.map(Optional.some) + [nil]).flatMap { priority in
            metrics.map { metric in
                priority.map { policy.target(priority: $0, metric: metric) } ?? policy.targets[nil]?[metric]
            }
        }
        self.ladders = metrics.map { ladders[policy.ladderName(for: $0)] }
    }

    @inline(__always)
    func target(_ priority: TicketPriority, _ metric: Int) -> Int? {
        targets[priority.index * Metric.allCases.count + metric]
    }

    /// The `group_response` target for a group (compared ignoring case).
    func groupTarget(_ group: String?) -> Int? {
        guard let group, !groupTargets.isEmpty else { return nil }
        return groupTargets[group.lowercased()]
    }

    /// The target of a clock of `metric`: per group for `group_response`, else per priority.
    func target(_ priority: TicketPriority, _ metric: Int, group: String?) -> Int? {
        group == nil ? target(priority, metric) : groupTarget(group)
    }

    static func == (lhs: PolicyPlan, rhs: PolicyPlan) -> Bool { lhs === rhs }
    func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// A set of statuses as bits: membership is a mask test, not a hash.
struct StatusSet: Sendable {
    private var bits: UInt8 = 0

    init(_ statuses: Set<TicketStatus>) {
        for status in statuses { insert(status) }
    }

    mutating func insert(_ status: TicketStatus) { bits |= 1 << status.index }

    @inline(__always)
    func contains(_ status: TicketStatus) -> Bool { bits & (1 << status.index) != 0 }
}

extension Metric {
    /// The position in `allCases`.
    var index: Int {
        switch self {
        case .firstResponse: 0
        case .nextReply: 1
        case .periodicUpdate: 2
        case .resolution: 3
        case .groupResponse: 4
        }
    }
}

extension TicketPriority {
    /// The position in `allCases`.
    var index: Int {
        switch self {
        case .urgent: 0
        case .high: 1
        case .normal: 2
        case .low: 3
        }
    }
}

extension TicketStatus {
    /// The position in `allCases`.
    var index: Int {
        switch self {
        case .new: 0
        case .open: 1
        case .pendingCustomer: 2
        case .onHold: 3
        case .solved: 4
        case .closed: 5
        }
    }
}
