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

    /// Makes the changes `writeBackPlan` chose, once the steps are recorded. At most once:
    /// the step is already recorded, so a failure is logged, not retried.
    func writeBack(_ plan: [(intent: Intent, step: LadderStep)]) async {
        for (intent, step) in plan {
            guard let entry = tickets[intent.ticketKey],
                  let source = sources.first(where: { $0.config.name == entry.source }), let writer = source.writer
            else { continue }
            let metadata: Logger.Metadata = ["ticket": "\(intent.ticketID)", "step": "\(intent.step)", "source": "\(source.config.name)"]
            do {
                if let priority = step.setPriority, priority != entry.ticket.priority {
                    try await writer.setPriority(intent.ticketID, priority)
                    logger.info("ticket priority raised", metadata: metadata.merging(["priority": "\(priority.rawValue)"]) { $1 })
                }
                if let tag = step.addTag, !entry.ticket.tags.contains(tag) {
                    try await writer.addTag(intent.ticketID, tag)
                    logger.info("ticket tagged", metadata: metadata.merging(["tag": "\(tag)"]) { $1 })
                }
            } catch {
                logger.error("write-back failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
        }
    }
}

extension Watcher {
    /// Tags, with `actions.ack_tag`, every ticket in view that an acknowledgement standing
    /// now holds and whose last poll lacks the tag, on sources with `write_back`; once per
    /// process. So an acknowledgement recorded while no daemon led, or whose tagging
    /// failed, is tagged by the next tick of the daemon that leads. A failure is logged and
    /// tried again at the next tick.
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
        for ticketKey in acknowledged.subtracting(ackTagged).sorted() {
            let (sourceName, ticketID) = TicketKey.split(ticketKey)
            guard let polled = tickets[ticketKey], !polled.ticket.tags.contains(tag),
                  let source = sources.first(where: { $0.config.name == sourceName }), source.config.writeBack,
                  let writer = source.writer else { continue }
            let metadata: Logger.Metadata = ["ticket": "\(ticketID)", "source": "\(sourceName)", "tag": "\(tag)"]
            do {
                try await writer.addTag(ticketID, tag)
                ackTagged.insert(ticketKey)
                logger.info("ticket tagged", metadata: metadata)
            } catch {
                logger.error("write-back failed", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            }
        }
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
