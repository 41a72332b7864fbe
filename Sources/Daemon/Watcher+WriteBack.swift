public import Foundation
import Logging
public import SLAEngine

extension Watcher {
    // MARK: Write-back

    /// The changes owed at the helpdesk for the steps that fired this tick and say
    /// `set_priority` or `add_tag`, where the source allows `write_back`: once per step.
    func writeBackPlan(_ intents: [Intent], clocks: [String: MessageComposer.TicketClocks]) -> [(intent: Intent, step: LadderStep)] {
        guard sources.contains(where: { $0.config.writeBack && $0.writer != nil }) else { return [] }
        var done = Set<String>()
        var plan: [(intent: Intent, step: LadderStep)] = []
        for intent in intents where intent.kind == .warning || intent.kind == .breach || intent.kind == .repeat {
            guard done.insert(intent.stepKey).inserted,
                  let source = tickets[intent.ticketKey].flatMap({ entry in sources.first { $0.config.name == entry.source } }),
                  source.config.writeBack, source.writer != nil,
                  let clock = clocks[intent.ticketKey]?.clock(of: intent),
                  let step = clock.ladder?.steps.first(where: { $0.label == String(Escalator.stepLabel(of: intent.step)) }),
                  step.writesBack
            else { continue }
            plan.append((intent, step))
        }
        return plan
    }

    /// Hands the changes `writeBackPlan` chose, once the steps are recorded, to the
    /// helpdesk's queue (`HelpdeskWrites`), which makes them off the tick; a dry run logs
    /// them instead. A priority and a tag are changes of their own.
    func writeBack(_ plan: [(intent: Intent, step: LadderStep)]) async {
        var changes: [HelpdeskWrites.Change] = []
        for (intent, step) in plan {
            guard let entry = tickets[intent.ticketKey] else { continue }
            if let priority = step.setPriority, priority != entry.ticket.priority {
                changes.append(.init(source: entry.source, ticketID: intent.ticketID, what: .priority(priority), step: intent.step))
            }
            if let tag = step.addTag, !entry.ticket.tags.contains(tag) {
                changes.append(.init(source: entry.source, ticketID: intent.ticketID, what: .tag(tag), step: intent.step))
            }
        }
        await make(changes)
    }

    /// Queues `changes` at the helpdesk, or, in a dry run, says what they would be.
    private func make(_ changes: [HelpdeskWrites.Change]) async {
        guard !changes.isEmpty else { return }
        guard let helpdesk else {
            for change in changes {
                var metadata: Logger.Metadata = ["ticket": "\(change.ticketID)", "source": "\(change.source)"]
                switch change.what {
                case .priority(let priority): metadata["priority"] = "\(priority.rawValue)"
                case .tag(let tag): metadata["tag"] = "\(tag)"
                }
                logger.info("dry run: the helpdesk is left unchanged", metadata: metadata)
            }
            return
        }
        await helpdesk.make(changes)
    }
}

extension Watcher {
    /// Tags, with `actions.ack_tag`, every ticket in view that an acknowledgement standing
    /// now holds and whose last poll lacks the tag, on sources with `write_back`; once per
    /// process, through the helpdesk's queue (which tries a failed tagging again). So an
    /// acknowledgement recorded while no daemon led is tagged by the next tick of the
    /// daemon that leads.
    func tagAcknowledged(at now: Date) async {
        guard let tag = configuration.actions.ackTag, sources.contains(where: { $0.config.writeBack && $0.writer != nil }) else { return }
        let holds: [String: ClockHold]
        do {
            holds = try await store.clockHolds()
        } catch {
            return logger.error("write-back failed", metadata: ["tag": "\(tag)", "error": "\(error)"])
        }
        var acknowledged = Set<String>()
        for (clockKey, hold) in holds where hold.kind == .ack && hold.holds(at: now) {
            if let ticketKey = ClockKey.ticketKey(of: clockKey) { acknowledged.insert(String(ticketKey)) }
        }
        // A ticket no longer acknowledged is tagged again should it be acknowledged again.
        ackTagged.formIntersection(acknowledged)
        var changes: [HelpdeskWrites.Change] = []
        for ticketKey in acknowledged.subtracting(ackTagged).sorted() {
            let (sourceName, ticketID) = TicketKey.split(ticketKey)
            guard let polled = tickets[ticketKey], !polled.ticket.tags.contains(tag),
                  let source = sources.first(where: { $0.config.name == sourceName }), source.config.writeBack,
                  source.writer != nil else { continue }
            ackTagged.insert(ticketKey)
            changes.append(.init(source: sourceName, ticketID: ticketID, what: .tag(tag)))
        }
        await make(changes)
    }

    /// What a ticket's id tells the listener's page: the ticket as last polled, if in view.
    public func polledTicket(source: String, ticketID: String) -> Ticket? {
        tickets[TicketKey.make(source, ticketID)]?.ticket
    }
}

extension Watcher {
    /// The open clocks of a polled ticket at `now`, as (source, metric, cycle); `source` nil
    /// takes the ticket from whichever source reports it. Empty when it is not in view.
    public func openClocks(source: String?, ticketID: String, metric: Metric?, at now: Date) -> [(source: String, metric: Metric, cycle: Int)] {
        let names = source.map { [$0] } ?? sources.map(\.config.name)
        return names.compactMap { tickets[TicketKey.make($0, ticketID)] }.flatMap { entry in
            engine.clocks(for: entry.ticket, observed: observed[entry.ticket.key] ?? [], at: now)
                .filter { $0.state.isOpen && (metric == nil || $0.metric == metric) }
                .map { (entry.source, $0.metric, $0.cycle) }
        }
    }
}
