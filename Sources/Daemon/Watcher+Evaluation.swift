import Foundation
import SLAEngine
import StateStore
import Synchronization

extension Watcher {
    // MARK: Clocks and ladders

    /// Every clock of every ticket, and what the ladders owe.
    struct Evaluation: Sendable {
        /// For the tickets something is owed about, with the ticket as evaluated.
        var clocks: [String: MessageComposer.TicketClocks] = [:]
        var intents: [Intent] = []
        var withdrawn: [String] = []
        var breaches: [BreachRecord] = []
        var nextThreshold: Date?
        /// Counts for the report.
        var clockCount = 0
        var clockStates: [ClockState: Int] = [:]
        var breached = 0
        var atRisk = 0

        /// Adds a part evaluated separately.
        mutating func merge(_ part: Evaluation) {
            clocks.merge(part.clocks) { $1 }
            intents += part.intents
            withdrawn += part.withdrawn
            breaches += part.breaches
            if let next = part.nextThreshold { nextThreshold = min(nextThreshold ?? next, next) }
            clockCount += part.clockCount
            clockStates.merge(part.clockStates, uniquingKeysWith: +)
            breached += part.breached
            atRisk += part.atRisk
        }
    }

    /// What evaluating one ticket needs, shared read-only by every part of the work.
    struct EvaluationInput: Sendable {
        var engine: SLAEngine
        var escalator: Escalator
        var tickets: PolledTickets
        var observed: [String: [TicketEvent]]
        var history: [String: [LadderRecord]]
        var breaches: BreachCounts
        var keeping: Set<String>
        var now: Date

        /// Evaluates the tickets of `source` in `range`.
        func evaluate(_ source: String, _ range: Range<Int>) -> Evaluation {
            var result = Evaluation()
            guard let batch = tickets.batches[source] else { return result }
            for position in range {
                let ticket = batch[position]
                let id = ticket.id
                let clocks = engine.clocks(for: ticket, observed: Watcher.transitions(observed[id] ?? [], missingFrom: ticket), at: now)
                result.clockCount += clocks.count
                for clock in clocks {
                    result.clockStates[clock.state, default: 0] += 1
                    if clock.state == .breached { result.breached += 1 }
                    if clock.state.isOpen, let next = clock.nextStepAt {
                        if clock.state != .breached && next <= now + 3600 { result.atRisk += 1 }
                        result.nextThreshold = min(result.nextThreshold ?? next, next)
                    }
                }
                let earlier = breaches.earlier(customer: ticket.customer.id, excluding: id)
                let decision = escalator.decide(ticket: ticket, clocks: clocks, history: history, earlierBreaches: earlier, now: now)
                if !decision.intents.isEmpty || keeping.contains(id) {
                    result.clocks[id] = MessageComposer.TicketClocks(batch, position, clocks: clocks)
                }
                result.intents += decision.intents
                result.withdrawn += decision.withdrawn
                result.breaches += decision.breaches
            }
            return result
        }
    }

    /// The transitions the daemon observed of the kinds the ticket's own events leave out: a
    /// source that reports status changes itself knows them better than snapshots do, while
    /// one that reports only the conversation (Zendesk's reply history) still needs the
    /// observed pauses.
    static func transitions(_ observed: [TicketEvent], missingFrom ticket: Ticket) -> [TicketEvent] {
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

    /// Tickets evaluated per part; a smaller set is evaluated in one.
    static let ticketsPerPart = 4096

    /// Runs the clocks and the escalator over the last poll's tickets, split across the
    /// machine's cores (the engine is pure, so parts need nothing from each other). The
    /// ladder history is only borrowed here, so the store can update it in place when the
    /// tick commits.
    ///
    /// Clocks are kept past this call only for tickets something is owed about (and those in
    /// `keeping`): a large backlog's clocks are not held for the whole tick.
    func evaluate(
        at now: Date, keepingClocksOf keeping: Set<String>, into report: inout TickReport
    ) throws(StateStoreError) -> Evaluation {
        var breaches = BreachCounts()
        if let rule = configuration.repeatedBreaches {
            breaches = try store.breachCounts(since: now - Double(rule.windowSeconds))
        }
        let input = EvaluationInput(
            engine: engine, escalator: escalator, tickets: tickets, observed: observed,
            history: try store.ladderHistory(), breaches: breaches, keeping: keeping, now: now
        )
        let work = tickets.parts(of: Watcher.ticketsPerPart)
        let parts = Mutex<[Int: Evaluation]>([:])
        DispatchQueue.concurrentPerform(iterations: work.count) { part in
            let evaluated = input.evaluate(work[part].source, work[part].range)
            parts.withLock { $0[part] = evaluated }
        }
        // Last part first, so each part is let go as soon as it is merged.
        var evaluated = parts.withLock { parts in
            defer { parts.removeAll() }
            return parts.sorted { $0.key > $1.key }.map(\.value)
        }
        var result = Evaluation()
        result.intents.reserveCapacity(evaluated.reduce(0) { $0 + $1.intents.count })
        result.breaches.reserveCapacity(evaluated.reduce(0) { $0 + $1.breaches.count })
        result.clocks.reserveCapacity(evaluated.reduce(0) { $0 + $1.clocks.count })
        while let part = evaluated.popLast() { result.merge(part) }
        report.clocks += result.clockCount
        report.clockStates.merge(result.clockStates, uniquingKeysWith: +)
        report.breached += result.breached
        report.atRisk += result.atRisk
        report.intents = result.intents.count
        for intent in result.intents where intent.kind == .warning || intent.kind == .breach || intent.kind == .repeat {
            report.crossings[intent.kind.rawValue, default: 0] += 1
        }
        return result
    }
}
