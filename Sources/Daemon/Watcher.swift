public import Foundation
public import Logging
public import SLAConfig
import SLAEngine
public import StateStore
public import TicketSources

/// The daemon's work, one tick at a time: poll the sources that are due, record what
/// changed, run every clock, walk the ladders, put the messages in the outbox together
/// with the ladder progress, and deliver what the outbox holds.
///
/// Time is passed in, so the same code runs on the real clock in `run` and on chosen
/// instants in tests and `run --once --at`.
public actor Watcher {
    /// A configured source and the reader behind it.
    public struct Source: Sendable {
        public var config: SourceConfig
        public var reader: any TicketSource

        public init(config: SourceConfig, reader: any TicketSource) {
            self.config = config
            self.reader = reader
        }
    }

    let configuration: Configuration
    let engine: SLAEngine
    let escalator: Escalator
    let composer: MessageComposer
    let store: StateStore?
    let sources: [Source]
    let senders: [String: any ChannelSender]
    let logger: Logger
    let dryRun: Bool
    let failpoint: Failpoint?

    /// The last poll's tickets, by id, with the source that gave each.
    private var tickets: [String: (ticket: Ticket, source: String)] = [:]
    /// Transitions the store recorded, by ticket id.
    private var observed: [String: [TicketEvent]] = [:]
    private var lastPoll: [String: Date] = [:]

    /// `store` may be nil only for a dry run without a state file; a dry run never writes.
    public init(
        configuration: Configuration, store: StateStore?, sources: [Source], senders: [String: any ChannelSender],
        logger: Logger, dryRun: Bool = false, failpoint: Failpoint? = nil
    ) {
        self.configuration = configuration
        self.engine = configuration.engine
        self.escalator = Escalator(
            teams: configuration.teams,
            quietHours: configuration.channels.compactMapValues { $0.quietHours.flatMap { configuration.calendars[$0] } },
            customerChannel: configuration.customerChannel,
            repeatedBreaches: configuration.repeatedBreaches,
            lateAfterSeconds: max(120, 2 * configuration.pollInterval)
        )
        self.composer = MessageComposer(digestChannels: Set(configuration.channels.values.filter(\.digest).map(\.name)))
        self.store = store
        self.sources = sources
        self.senders = senders
        self.logger = logger
        self.dryRun = dryRun
        self.failpoint = failpoint
    }

    /// One tick at `now`. Sources are polled when their interval has passed (always on the
    /// first tick, or with `forcePoll`); otherwise the last poll's tickets are re-evaluated.
    public func tick(at now: Date, forcePoll: Bool = false) async throws(StateStoreError) -> TickReport {
        var report = TickReport(at: now)
        try await poll(at: now, force: forcePoll, into: &report)

        // Clocks and the ladder.
        let evaluation = try evaluate(at: now, into: &report)
        var withdrawn = evaluation.withdrawn
        let decided = evaluation.intents, clocksByTicket = evaluation.clocks
        func clock(of intent: Intent) -> SLAClock? {
            clocksByTicket[intent.ticketID]?.first { $0.metric == intent.metric && $0.cycle == intent.cycle }
        }

        // Held intents whose quiet hours ended go out now, unless their clock closed meanwhile.
        var released: [Intent] = []
        for held in try store?.heldIntents(dueBy: now) ?? [] {
            if let clock = clock(of: held), clock.state.isOpen, !withdrawn.contains(held.id) {
                released.append(held)
            } else {
                withdrawn.append(held.id)
            }
        }

        // Messages for everything due now.
        var ready: [MessageComposer.Item] = []
        for intent in decided + released where intent.kind != .skipped && (intent.notBefore ?? now) <= now {
            guard let ticket = tickets[intent.ticketID]?.ticket else { continue }
            if intent.kind == .customerNotice && ticket.customer.email == nil { continue }
            ready.append(MessageComposer.Item(intent: intent, ticket: ticket, clock: clock(of: intent)))
        }
        let composed = composer.compose(ready, at: now)
        var messageKey: [String: String] = [:]
        for (message, carried) in composed {
            for id in carried { messageKey[id] = message.key }
        }
        report.enqueued = composed.count
        for intent in decided where intent.kind == .skipped {
            logger.info("step skipped", metadata: [
                "ticket": "\(intent.ticketID)", "metric": "\(intent.metric.rawValue)", "step": "\(intent.step)",
                "reason": "\(intent.reason ?? "")",
            ])
        }

        if dryRun {
            for (message, _) in composed {
                print("would send to \(message.channel) [\(message.key)]: \(message.subject)")
            }
            report.nextWake = wake(after: now, threshold: evaluation.nextThreshold, stored: nil)
            return report
        }
        guard let store else { return report }
        let customerNoticeWithoutAddress = decided.filter { $0.kind == .customerNotice && messageKey[$0.id] == nil && $0.notBefore == nil }
        var commit = TickCommit(at: now)
        commit.intents = decided.map { intent in
            if customerNoticeWithoutAddress.contains(intent) {
                var skipped = intent
                skipped.kind = .skipped
                skipped.reason = "the ticket has no customer email"
                return (skipped, nil)
            }
            return (intent, messageKey[intent.id])
        }
        commit.released = released.compactMap { intent in messageKey[intent.id].map { (intent.id, $0) } }
        commit.withdrawn = withdrawn
        commit.messages = composed.map(\.message)
        commit.breaches = evaluation.breaches
        try store.commit(commit)
        Failpoint.afterCommit.trigger(failpoint)

        try await deliver(at: now, into: &report)
        report.nextWake = wake(after: now, threshold: evaluation.nextThreshold, stored: try store.nextWake())
        return report
    }

    // MARK: Clocks and ladders

    /// Every clock of every ticket, and what the ladders owe.
    private struct Evaluation {
        var clocks: [String: [SLAClock]] = [:]
        var intents: [Intent] = []
        var withdrawn: [String] = []
        var breaches: [BreachRecord] = []
        var nextThreshold: Date?
    }

    /// Runs the clocks and the escalator over the last poll's tickets. The ladder history is
    /// only borrowed here, so the store can update it in place when the tick commits.
    private func evaluate(at now: Date, into report: inout TickReport) throws(StateStoreError) -> Evaluation {
        var result = Evaluation()
        let history = try store?.ladderHistory() ?? [:]
        var breaches: [String: Set<String>] = [:]
        if let rule = configuration.repeatedBreaches, let store {
            breaches = try store.breaches(since: now - Double(rule.windowSeconds))
        }
        for (id, entry) in tickets {
            let ticket = entry.ticket
            let clocks = engine.clocks(for: ticket, observed: ticket.events.isEmpty ? observed[id] ?? [] : [], at: now)
            report.clocks += clocks.count
            for clock in clocks {
                if clock.state == .breached { report.breached += 1 }
                if clock.state.isOpen, let next = clock.nextStep?.at {
                    if clock.state != .breached && next <= now + 3600 { report.atRisk += 1 }
                    result.nextThreshold = min(result.nextThreshold ?? next, next)
                }
            }
            result.clocks[id] = clocks
            var earlier = 0
            if let customerBreaches = breaches[ticket.customer.id] {
                earlier = customerBreaches.subtracting(clocks.map { ClockKey.make(id, $0.metric, $0.cycle) }).count
            }
            let decision = escalator.decide(ticket: ticket, clocks: clocks, history: history, earlierBreaches: earlier, now: now)
            result.intents += decision.intents
            result.withdrawn += decision.withdrawn
            result.breaches += decision.breaches
        }
        report.intents = result.intents.count
        return result
    }

    // MARK: Polling

    private func poll(at now: Date, force: Bool, into report: inout TickReport) async throws(StateStoreError) {
        for source in sources {
            let interval = Double(source.config.pollInterval)
            if !force, let last = lastPoll[source.config.name], now < last + interval { continue }
            let batch: TicketBatch
            do {
                batch = try await source.reader.poll()
            } catch {
                report.problems.append("sources.\(source.config.name): \(error)")
                logger.error("source poll failed", metadata: ["source": "\(source.config.name)", "error": "\(error)"])
                continue
            }
            lastPoll[source.config.name] = now
            for problem in batch.problems {
                report.problems.append(problem.description)
                logger.warning("record skipped", metadata: [
                    "source": "\(problem.source)", "ticket": "\(problem.recordID ?? "?")", "error": "\(problem.description)",
                ])
            }
            tickets = tickets.filter { $0.value.source != source.config.name }
            for ticket in batch.tickets where tickets[ticket.id] == nil {
                tickets[ticket.id] = (ticket, source.config.name)
            }
            if !dryRun, let store {
                let history = try store.observe(batch.tickets, source: source.config.name, at: now)
                for ticket in batch.tickets { observed[ticket.id] = history[ticket.id] }
            }
        }
        report.tickets = tickets.count
    }

    // MARK: Delivery

    /// Tries every outbox message due by `now`; failures are retried with backoff, then
    /// dead-lettered.
    private func deliver(at now: Date, into report: inout TickReport) async throws(StateStoreError) {
        guard let store else { return }
        for pending in try store.pendingMessages(dueBy: now) {
            let message = pending.message
            let metadata: Logger.Metadata = [
                "channel": "\(message.channel)", "key": "\(message.key)",
                "ticket": "\(message.tickets.map(\.id).joined(separator: ","))",
            ]
            guard let sender = senders[message.channel] else {
                try store.markFailed(key: message.key, at: now, reason: "no_sender",
                                     detail: "channel \(message.channel) cannot be delivered by this build", retryAt: nil)
                report.deadLettered += 1
                logger.error("message dead-lettered: no sender for channel", metadata: metadata)
                continue
            }
            let outcome = await sender.send(message)
            Failpoint.afterSend.trigger(failpoint)
            switch outcome {
            case .delivered(let detail):
                if try store.markDelivered(key: message.key, at: now, detail: detail) { report.delivered += 1 }
                logger.info("message delivered", metadata: metadata)
            case .retry(let reason, let detail, let after):
                let attempts = pending.attempts + 1
                let retryAt = attempts >= Watcher.maxAttempts ? nil
                    : now + (after ?? min(Double(1 << min(attempts, 10)) * 5, 900))
                try store.markFailed(key: message.key, at: now, reason: reason, detail: detail, retryAt: retryAt)
                if retryAt == nil { report.deadLettered += 1 } else { report.retried += 1 }
                logger.warning("delivery failed", metadata: metadata.merging(["reason": "\(reason)", "attempt": "\(attempts)"]) { $1 })
            case .failed(let reason, let detail):
                try store.markFailed(key: message.key, at: now, reason: reason, detail: detail, retryAt: nil)
                report.deadLettered += 1
                logger.error("message dead-lettered", metadata: metadata.merging(["reason": "\(reason)"]) { $1 })
            }
        }
    }

    /// Attempts before a message is dead-lettered.
    static let maxAttempts = 8

    private func wake(after now: Date, threshold: Date?, stored: Date?) -> Date {
        let polls = sources.map { (lastPoll[$0.config.name] ?? now) + Double($0.config.pollInterval) }
        let candidates = polls + [threshold, stored].compactMap { $0 }
        return max(now, candidates.min() ?? now + Double(configuration.pollInterval))
    }
}
