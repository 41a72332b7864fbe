public import Foundation

/// Every clock of a run of tickets and what the ladders owe about them: the fan-in a tick
/// makes over its tickets, pure, so it can be split across cores and merged.
public struct TicketEvaluation: Sendable {
    /// The tickets something is owed about (and those asked to be kept), by position in
    /// the evaluated array, with their clocks and risks as they stand.
    public var kept: [(position: Int, clocks: [SLAClock], risks: [RiskOccurrence])] = []
    public var intents: [Intent] = []
    /// Held intents the ladders no longer want, by id.
    public var withdrawn: [String] = []
    /// Muted intents to send now: catch-ups once a silence ended (`Escalator.Decision.unsilenced`).
    public var unsilenced: [Intent] = []
    public var breaches: [BreachRecord] = []
    /// Clock outcomes (met, missed, breached) not on record yet, or changed since recorded.
    public var outcomes: [ClockOutcome] = []
    /// The earliest ladder step of any open clock.
    public var nextThreshold: Date?
    /// Counts, for reports and metrics.
    public var clockCount = 0
    public var clockStates: [ClockState: Int] = [:]
    public var breached = 0
    /// Open clocks, not yet breached, whose next step is within the hour.
    public var atRisk = 0

    public init() {}

    /// Adds a part evaluated separately (its `kept` positions are its own array's).
    public mutating func merge(_ part: TicketEvaluation) {
        kept += part.kept
        intents += part.intents
        withdrawn += part.withdrawn
        unsilenced += part.unsilenced
        breaches += part.breaches
        outcomes += part.outcomes
        if let next = part.nextThreshold { nextThreshold = min(nextThreshold ?? next, next) }
        clockCount += part.clockCount
        clockStates.merge(part.clockStates, uniquingKeysWith: +)
        breached += part.breached
        atRisk += part.atRisk
    }
}

extension SLAEngine {
    /// Runs every clock of `tickets[range]` at `now` and walks their ladders against
    /// `history`.
    ///
    /// - `observed` gives the transitions recorded between polls for a ticket key; those of
    ///   kinds the ticket's own events report are left out (`transitions(_:missingFrom:)`).
    /// - `earlierBreaches` counts the customer's other breaches, for `repeated_breaches`.
    /// - Clocks are kept only for tickets something is owed about, and those in `keeping`:
    ///   a large backlog's clocks are not held past the call.
    /// - `holds` gives the latest acknowledgement or snooze of a clock, by clock key.
    /// - `recordedOutcomes` is what is on record of clock outcomes; an outcome that differs
    ///   (or is new) is returned in `outcomes`. Nil: no outcomes are collected.
    /// - `silences` are the silences standing, and those that ended, for the catch-ups.
    public func evaluate(
        _ tickets: [Ticket], in range: Range<Int>, escalator: Escalator, history: LadderHistory,
        observed: (String) -> [TicketEvent], earlierBreaches: (Ticket) -> Int, keeping: Set<String>, now: Date,
        recordedOutcomes: RecordedOutcomes? = nil,
        holds: [String: ClockHold] = [:], silences: [Silence] = []
    ) -> TicketEvaluation {
        var result = TicketEvaluation()
        for position in range {
            let ticket = tickets[position]
            let ticketObserved = SLAEngine.transitions(observed(ticket.key), missingFrom: ticket)
            let clocks = clocks(for: ticket, observed: ticketObserved, at: now)
            result.clockCount += clocks.count
            var team: String??
            for clock in clocks {
                if let recordedOutcomes, clock.state == .met || clock.state == .missed || clock.state == .breached,
                   !recordedOutcomes.holds(clock, of: ticket) {
                    if team == nil { team = .some(escalator.team(for: ticket)?.name) }
                    if let outcome = ClockOutcome(clock, of: ticket, team: team!) { result.outcomes.append(outcome) }
                }
                result.clockStates[clock.state, default: 0] += 1
                if clock.state == .breached { result.breached += 1 }
                if clock.state.isOpen, let hold = holds.isEmpty ? nil : holds[ClockKey.make(ticket.key, clock.metric, clock.cycle)],
                   hold.until > now {
                    // The end of a hold is when its ladder resumes.
                    result.nextThreshold = min(result.nextThreshold ?? hold.until, hold.until)
                }
                if clock.state.isOpen, let next = clock.nextStepAt {
                    if clock.state != .breached && next <= now + 3600 { result.atRisk += 1 }
                    result.nextThreshold = min(result.nextThreshold ?? next, next)
                }
            }
            var decision = escalator.decide(
                ticket: ticket, clocks: clocks, history: history, earlierBreaches: earlierBreaches(ticket), now: now,
                holds: holds, silences: silences)
            var found: [RiskOccurrence] = []
            if !risks.isEmpty {
                found = self.risks(for: ticket, observed: ticketObserved, clocks: clocks, at: now)
                let owed = escalator.decideRisks(
                    ticket: ticket, risks: found, rules: risks, history: history, now: now, silences: silences)
                decision.intents += owed.intents
                decision.withdrawn += owed.withdrawn
            }
            if !decision.intents.isEmpty || !decision.unsilenced.isEmpty || keeping.contains(ticket.key) {
                result.kept.append((position, clocks, found))
            }
            result.intents += decision.intents
            result.withdrawn += decision.withdrawn
            result.unsilenced += decision.unsilenced
            result.breaches += decision.breaches
        }
        return result
    }

    /// The transitions observed between polls of the kinds the ticket's own events leave
    /// out: a source that reports status changes itself knows them better than snapshots
    /// do, while one that reports only the conversation (Zendesk's reply history) still
    /// needs the observed pauses.
    public static func transitions(_ observed: [TicketEvent], missingFrom ticket: Ticket) -> [TicketEvent] {
        guard !observed.isEmpty, !ticket.events.isEmpty else { return observed }
        let reported = Set(ticket.events.compactMap { TransitionKind($0.kind) })
        return observed.filter { TransitionKind($0.kind).map { !reported.contains($0) } ?? true }
    }

    /// The kinds of change a snapshot shows.
    enum TransitionKind: Hashable {
        case status, priority, assignee, group

        init?(_ kind: TicketEvent.Kind) {
            switch kind {
            case .status: self = .status
            case .priority: self = .priority
            case .assignee: self = .assignee
            case .group: self = .group
            case .customerMessage, .agentReply: return nil
            }
        }
    }
}
