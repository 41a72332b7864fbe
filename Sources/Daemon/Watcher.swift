public import Foundation
public import Logging
public import SLAConfig
import SLAEngine
public import StateStore
public import TicketSources
public import Delivery
import Synchronization

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
        /// Updates tickets at the helpdesk for `set_priority` / `add_tag` steps; nil when the
        /// source type cannot.
        public var writer: (any TicketWriter)?

        public init(config: SourceConfig, reader: any TicketSource, writer: (any TicketWriter)? = nil) {
            self.config = config
            self.reader = reader
            self.writer = writer
        }
    }

    private(set) var configuration: Configuration
    private(set) var engine: SLAEngine
    private(set) var escalator: Escalator
    private(set) var composer: MessageComposer
    let store: StateStore?
    private(set) var sources: [Source]
    private(set) var notifiers: [String: any Notifier]
    let logger: Logger
    let dryRun: Bool
    let failpoint: Failpoint?

    /// The last poll's tickets, by source.
    private var tickets = PolledTickets()
    /// Transitions the store recorded, by ticket id.
    private var observed: [String: [TicketEvent]] = [:]
    private var lastPoll: [String: Date] = [:]
    /// Polls started and not yet taken, by source.
    private var polls: [String: Task<PollOutcome, Never>] = [:]
    /// Which channels are failing, to tell the ops channel once per outage.
    private var health = ChannelHealth()
    /// Which sources' data is too old to warn on, to tell the ops channel once and on recovery.
    private var freshness = SourceFreshness()
    /// Source-freshness notices waiting for the next commit.
    private var sourceNotices: [SourceFreshness.Notice] = []

    /// `store` may be nil only for a dry run without a state file; a dry run never writes.
    public init(
        configuration: Configuration, templates: MessageTemplates, store: StateStore?, sources: [Source],
        notifiers: [String: any Notifier], logger: Logger, dryRun: Bool = false, failpoint: Failpoint? = nil
    ) {
        self.configuration = configuration
        (engine, escalator, composer) = Watcher.parts(of: configuration, templates: templates)
        self.store = store
        self.sources = sources
        self.notifiers = notifiers
        self.logger = logger
        self.dryRun = dryRun
        self.failpoint = failpoint
    }

    /// One tick at `now`. Sources are polled when their interval has passed (always on the
    /// first tick, or with `forcePoll`), all at once; otherwise the last poll's tickets are
    /// re-evaluated. The tick waits up to `pollWait` for the polls (nil: until they end).
    public func tick(at now: Date, forcePoll: Bool = false, pollWait: Duration? = nil) async throws(StateStoreError) -> TickReport {
        var report = TickReport(at: now)
        var phase = ContinuousClock.now
        try await poll(at: now, force: forcePoll, wait: pollWait, into: &report)
        report.lap("poll", since: &phase)

        // Clocks and the ladder.
        // Held intents whose quiet hours end now need their clocks as they stand.
        let heldDue = try store?.heldIntents(dueBy: now) ?? []
        let evaluation = try evaluate(at: now, keepingClocksOf: Set(heldDue.map(\.ticketID)), into: &report)
        report.lap("evaluate", since: &phase)
        let nextThreshold = evaluation.nextThreshold
        // Breaches are recorded on the store's writer while the messages are worded here.
        let breachesRecorded = dryRun ? nil : store.map { store in
            Task.detached { [breaches = evaluation.breaches] () -> Result<Void, StateStoreError> in
                do throws(StateStoreError) { return .success(try await store.recordBreaches(breaches)) } catch { return .failure(error) }
            }
        }
        // The clocks are let go here: a large tick's memory peaks in the commit.
        let decided = decide(consume evaluation, heldDue: heldDue, at: now, into: &report)
        report.lap("compose", since: &phase)
        report.enqueued = decided.commit.messages.count
        for intent in decided.commit.intents where intent.kind == .skipped {
            logger.info("step skipped", metadata: [
                "ticket": "\(intent.ticketID)", "metric": "\(intent.metric.rawValue)", "step": "\(intent.step)",
                "reason": "\(intent.reason ?? "")",
            ])
        }

        if dryRun {
            for message in decided.commit.messages {
                print("would send to \(message.channel) [\(message.key)]: \(message.subject)")
            }
            report.nextWake = wake(after: now, threshold: nextThreshold, stored: nil)
            return report
        }
        guard let store else { return report }
        try await breachesRecorded?.value.get()
        var commit = decided.commit
        commit.messages += sourceNotices.compactMap { opsMessage(for: $0, at: now) }
        report.enqueued = commit.messages.count
        sourceNotices.removeAll()
        try store.commit(commit)
        report.lap("commit", since: &phase)
        Failpoint.afterCommit.trigger(failpoint)

        await writeBack(decided.writeBacks)
        report.lap("write_back", since: &phase)
        try await deliver(at: now, into: &report)
        report.nextWake = wake(after: now, threshold: nextThreshold, stored: try store.nextWake())
        report.outboxPending = try store.outboxDepth().pending
        report.lap("deliver", since: &phase)
        store.checkpointLater()
        return report
    }

    /// What a tick decided: the commit (intents and the messages that carry them) and the
    /// ticket changes to make at the helpdesk once it is recorded.
    private struct Decided {
        var commit: TickCommit
        var writeBacks: [(intent: Intent, step: LadderStep)]
    }

    /// Turns an evaluation into what the tick records and sends: which intents go out now
    /// (held ones whose quiet hours ended among them), worded by the composer.
    private func decide(_ evaluation: Evaluation, heldDue: [Intent], at now: Date, into report: inout TickReport) -> Decided {
        var withdrawn = evaluation.withdrawn
        let clocksByTicket = evaluation.clocks
        // Old data may be wrong: no warnings or customer notices from a stale source's
        // tickets (they fire once it recovers); breach pings still go out, flagged.
        let stale = staleSources(at: now)
        let decided = stale.isEmpty ? evaluation.intents : evaluation.intents.filter { intent in
            guard let source = tickets[intent.ticketID]?.source, stale[source] != nil else { return true }
            return intent.kind != .warning && intent.kind != .customerNotice
        }

        // Held intents whose quiet hours ended go out now, unless their clock closed meanwhile.
        var released: [Intent] = []
        for held in heldDue {
            if let clock = clocksByTicket[held.ticketID]?.clock(of: held), clock.state.isOpen, !withdrawn.contains(held.id) {
                released.append(held)
            } else {
                withdrawn.append(held.id)
            }
        }

        // Messages for everything due now. Intents are numbered `decided` first, then
        // `released`; each ready item remembers its intent's number.
        var ready: [MessageComposer.Item] = []
        var origin: [Int] = []
        ready.reserveCapacity(decided.count + released.count)
        origin.reserveCapacity(decided.count + released.count)
        for (number, intent) in [decided, released].joined().enumerated()
        where intent.kind != .skipped && (intent.notBefore ?? now) <= now {
            guard let subject = clocksByTicket[intent.ticketID] else { continue }
            if intent.kind == .customerNotice && subject.ticket.customer.email == nil { continue }
            ready.append(MessageComposer.Item(intent: intent, subject: subject))
            origin.append(number)
        }
        var composed = composer.compose(ready, at: now)
        if !stale.isEmpty {
            for index in composed.indices {
                let sourcesOf = Set(composed[index].message.tickets.compactMap { tickets[$0.id]?.source })
                for source in sourcesOf.sorted() {
                    guard let since = stale[source] else { continue }
                    let note = "Data from source \(source) is stale since \(Timestamp(since)): this may be out of date."
                    composed[index].message.text += "\n\n" + note
                    composed[index].message.html = composed[index].message.html.map { $0 + "<p><em>\(note)</em></p>" }
                }
            }
        }
        // The key of the message carrying each intent, by number.
        var messageKeys = [String?](repeating: nil, count: decided.count + released.count)
        for (message, carried) in composed {
            for item in carried { messageKeys[origin[item]] = message.key }
        }

        var commit = TickCommit(at: now, intents: decided, messageKeys: Array(messageKeys[..<decided.count]))
        for (number, intent) in decided.enumerated()
        where intent.kind == .customerNotice && messageKeys[number] == nil && intent.notBefore == nil {
            commit.intents[number].kind = .skipped
            commit.intents[number].reason = "the ticket has no customer email"
        }
        commit.released = released.enumerated().compactMap { index, intent in
            messageKeys[decided.count + index].map { (intent.id, $0) }
        }
        commit.withdrawn = withdrawn
        commit.messages = composed.map(\.message)
        return Decided(commit: commit, writeBacks: writeBackPlan(decided, clocks: clocksByTicket))
    }

    // MARK: Reload and readiness

    /// Swaps in a new configuration, validated by the caller. Clocks, ladder progress, the
    /// outbox and what sources returned are kept; sources and channels follow the new file.
    public func reload(
        configuration: Configuration, templates: MessageTemplates, sources: [Source], notifiers: [String: any Notifier]
    ) {
        self.configuration = configuration
        (engine, escalator, composer) = Watcher.parts(of: configuration, templates: templates)
        let names = Set(sources.map(\.config.name))
        // A poll of the old reader is not taken: the source may read elsewhere now.
        for (name, task) in polls {
            task.cancel()
            polls[name] = nil
        }
        for gone in self.sources.map(\.config.name) where !names.contains(gone) {
            freshness.untrack(gone)
            lastPoll[gone] = nil
            tickets.remove(gone)
        }
        self.sources = sources
        self.notifiers = notifiers
    }

    /// The engine, escalator and composer a configuration calls for.
    private static func parts(
        of configuration: Configuration, templates: MessageTemplates
    ) -> (SLAEngine, Escalator, MessageComposer) {
        var escalator = Escalator(
            teams: configuration.teams,
            quietHours: configuration.channels.compactMapValues { $0.quietHours.flatMap { configuration.calendars[$0] } },
            customerChannel: configuration.customerChannel,
            repeatedBreaches: configuration.repeatedBreaches,
            lateAfterSeconds: max(120, 2 * configuration.pollInterval)
        )
        escalator.customerOptOut = (configuration.customerNotices.optOutTags, configuration.customerNotices.optOutTiers)
        let composer = MessageComposer(
            digestChannels: Set(configuration.channels.values.filter(\.digest).map(\.name)), templates: templates,
            teams: configuration.teams, customerNotices: configuration.customerNotices
        )
        return (configuration.engine, escalator, composer)
    }

    /// Ready once the first tick is done and every source's data is fresh.
    public func readiness(firstTickAt: Date?, at now: Date) -> Readiness {
        Readiness.evaluate(firstTickAt: firstTickAt, sources: sources.map { source in
            let status = freshness.status(of: source.config.name, at: now)
            return SourceReadiness(
                name: source.config.name, lastSuccess: status?.lastSuccess,
                staleAfter: status?.limit ?? SourceFreshness.limit(pollInterval: TimeInterval(source.config.pollInterval))
            )
        }, now: now)
    }

    // MARK: Clocks and ladders

    /// Every clock of every ticket, and what the ladders owe.
    private struct Evaluation: Sendable {
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
    private struct EvaluationInput: Sendable {
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
    private func evaluate(
        at now: Date, keepingClocksOf keeping: Set<String>, into report: inout TickReport
    ) throws(StateStoreError) -> Evaluation {
        var breaches = BreachCounts()
        if let rule = configuration.repeatedBreaches, let store {
            breaches = try store.breachCounts(since: now - Double(rule.windowSeconds))
        }
        let input = EvaluationInput(
            engine: engine, escalator: escalator, tickets: tickets, observed: observed,
            history: try store?.ladderHistory() ?? [:], breaches: breaches, keeping: keeping, now: now
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

    // MARK: Polling

    /// How one source's poll ended.
    private struct PollOutcome: Sendable {
        /// The tick that started it.
        var startedAt: Date
        var result: Result<TicketBatch, any Error>
        var seconds: Double
    }

    /// Starts a poll of every source that is due and has none running, each in its own task,
    /// so that sources never wait for one another; then takes the results of the polls that
    /// finish within `wait` (nil: all of them). A poll still running after that (a first
    /// export of a large helpdesk) goes on in the background: its source's tickets stay as
    /// last polled, and its result is taken by a later tick.
    private func poll(at now: Date, force: Bool, wait: Duration?, into report: inout TickReport) async throws(StateStoreError) {
        for source in sources where polls[source.config.name] == nil {
            let name = source.config.name
            let interval = Double(source.config.pollInterval)
            if !force, let last = lastPoll[name], now < last + interval { continue }
            if lastPoll[name] == nil {
                // A source's freshness is measured from its first poll.
                freshness.track(name, pollInterval: interval, staleAfter: source.config.staleAfter.map(TimeInterval.init), from: now)
            }
            lastPoll[name] = now
            let reader = source.reader
            polls[name] = Task {
                let start = ContinuousClock.now
                let result: Result<TicketBatch, any Error>
                do { result = .success(try await reader.poll()) } catch { result = .failure(error) }
                return PollOutcome(startedAt: now, result: result, seconds: (ContinuousClock.now - start).seconds)
            }
        }
        let deadline = wait.map { ContinuousClock.now + $0 }
        for source in sources {
            let name = source.config.name
            guard let task = polls[name] else { continue }
            let outcome: PollOutcome
            if let deadline {
                guard let finished = await Watcher.value(of: task, by: deadline) else {
                    report.pollsRunning.append(name)
                    continue
                }
                outcome = finished
            } else {
                outcome = await task.value
            }
            // Reloaded meanwhile: the source may be gone, or a new one by the same name.
            guard polls[name] == task else { continue }
            polls[name] = nil
            try take(outcome, of: source, into: &report)
        }
        sourceNotices += freshness.check(at: now)
        report.tickets = tickets.count
    }

    /// Returns once any poll still running finishes (at once when none is), or when the
    /// calling task is cancelled: the loop wakes for a background poll's result instead of
    /// waiting for the next poll or threshold.
    public func runningPollFinished() async {
        let running = Array(polls.values)
        guard !running.isEmpty else { return }
        let answer = FirstAnswer<Void>()
        for task in running {
            Task {
                _ = await task.value
                answer.give(())
            }
        }
        await withTaskCancellationHandler {
            _ = await answer.wait()
        } onCancel: {
            answer.give(nil)
        }
    }

    /// A task's value if it finishes by `deadline`, else nil (the task goes on). Whichever
    /// comes first, the value or the deadline, answers; the other finds it answered.
    private static func value<T: Sendable>(of task: Task<T, Never>, by deadline: ContinuousClock.Instant) async -> T? {
        let answer = FirstAnswer<T>()
        let timer = Task {
            try? await Task.sleep(until: deadline)
            answer.give(nil)
        }
        Task {
            answer.give(await task.value)
            timer.cancel()
        }
        return await answer.wait()
    }

    /// The first value given, for one waiter; later ones are dropped. A value given before
    /// the wait begins answers it at once.
    private final class FirstAnswer<T: Sendable>: Sendable {
        private let state = Mutex<(waiting: CheckedContinuation<T?, Never>?, answer: T??)>((nil, nil))

        func wait() async -> T? {
            await withCheckedContinuation { continuation in
                let early = state.withLock { state -> T?? in
                    if case .some(let answer) = state.answer { return .some(answer) }
                    state.waiting = continuation
                    return nil
                }
                if case .some(let answer) = early { continuation.resume(returning: answer) }
            }
        }

        func give(_ value: T?) {
            let waiting = state.withLock { state -> CheckedContinuation<T?, Never>? in
                guard case .none = state.answer else { return nil }
                state.answer = .some(value)
                defer { state.waiting = nil }
                return state.waiting
            }
            waiting?.resume(returning: value)
        }
    }

    /// Records what one poll gave: its tickets replace the source's, its transitions are
    /// observed, its skipped records logged; a failure counts against the source's freshness.
    private func take(_ outcome: PollOutcome, of source: Source, into report: inout TickReport) throws(StateStoreError) {
        let name = source.config.name
        report.pollDurations[name] = outcome.seconds
        let batch: TicketBatch
        switch outcome.result {
        case .success(let polled):
            batch = polled
        case .failure(let error):
            report.pollErrors.append(name)
            report.problems.append("sources.\(name): \(error)")
            logger.error("source poll failed", metadata: ["source": "\(name)", "error": "\(error)"])
            sourceNotices += freshness.record(name, succeeded: false, at: outcome.startedAt)
            return
        }
        sourceNotices += freshness.record(name, succeeded: true, at: outcome.startedAt)
        for problem in batch.problems {
            report.problems.append(problem.description)
            var metadata: Logger.Metadata = ["source": "\(problem.source)", "error": "\(problem.description)"]
            if let id = problem.recordID { metadata["ticket"] = "\(id)" }
            // One tied to no record (a refused cursor, a list that could not be read) is about the source.
            logger.warning(problem.recordID == nil && problem.location == nil ? "source problem" : "record skipped", metadata: metadata)
        }
        tickets.replace(name, with: batch.tickets)
        if !dryRun, let store {
            let history = try store.observe(batch.tickets, source: name, at: outcome.startedAt)
            for ticket in batch.tickets { observed[ticket.id] = history[ticket.id] }
        }
    }

    /// Sources whose data is stale at `now`, with since when.
    private func staleSources(at now: Date) -> [String: Date] {
        var stale: [String: Date] = [:]
        for source in sources {
            if let since = freshness.status(of: source.config.name, at: now)?.staleSince { stale[source.config.name] = since }
        }
        return stale
    }

    // MARK: Write-back

    /// The changes owed at the helpdesk for the steps that fired this tick and say
    /// `set_priority` or `add_tag`, where the source allows `write_back`: once per step.
    private func writeBackPlan(_ intents: [Intent], clocks: [String: MessageComposer.TicketClocks]) -> [(intent: Intent, step: LadderStep)] {
        guard sources.contains(where: { $0.config.writeBack && $0.writer != nil }) else { return [] }
        var done = Set<String>()
        var plan: [(intent: Intent, step: LadderStep)] = []
        for intent in intents where intent.kind == .warning || intent.kind == .breach || intent.kind == .repeat {
            guard done.insert(intent.stepKey).inserted,
                  let source = tickets[intent.ticketID].flatMap({ entry in sources.first { $0.config.name == entry.source } }),
                  source.config.writeBack, source.writer != nil,
                  let clock = clocks[intent.ticketID]?.clock(of: intent),
                  let step = clock.ladder?.steps.first(where: { $0.label == String(Escalator.stepLabel(of: intent.step)) }),
                  step.writesBack
            else { continue }
            plan.append((intent, step))
        }
        return plan
    }

    /// Makes the changes `writeBackPlan` chose, once the steps are recorded. At most once:
    /// the step is already recorded, so a failure is logged, not retried.
    private func writeBack(_ plan: [(intent: Intent, step: LadderStep)]) async {
        for (intent, step) in plan {
            guard let entry = tickets[intent.ticketID],
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

    // MARK: Delivery

    /// Messages delivered at once; the rest wait their turn within the tick.
    static let deliveriesInFlight = 16

    /// Tries every outbox message due by `now`, several at a time. A message the channel
    /// gave up on for a passing reason (timeouts, 5xx, connection) is tried again later,
    /// then dead-lettered; the ops channel hears once when a channel starts failing and
    /// once when it works again.
    private func deliver(at now: Date, into report: inout TickReport) async throws(StateStoreError) {
        guard let store else { return }
        var pending = try store.pendingMessages(dueBy: now)
        while !pending.isEmpty {
            let batch = pending.prefix(Watcher.deliveriesInFlight)
            pending.removeFirst(batch.count)
            let notifiers = notifiers
            let outcomes = await withTaskGroup(of: (PendingMessage, DeliveryOutcome?).self) { group in
                for item in batch {
                    group.addTask { (item, await notifiers[item.message.channel]?.deliver(item.message)) }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            for (item, outcome) in outcomes {
                if let notice = try record(item, outcome, at: now, into: &report) {
                    pending.append(contentsOf: try announce(notice, at: now))
                }
            }
        }
    }

    /// Records one delivery's end; returns what ops should hear, if anything.
    private func record(
        _ item: PendingMessage, _ outcome: DeliveryOutcome?, at now: Date, into report: inout TickReport
    ) throws(StateStoreError) -> ChannelHealth.Notice? {
        guard let store else { return nil }
        let message = item.message
        let metadata: Logger.Metadata = [
            "channel": "\(message.channel)", "key": "\(message.key)", "ticket": "\(message.tickets.map(\.id).joined(separator: ","))",
        ]
        guard let outcome else {
            try store.markFailed(key: message.key, at: now, reason: "no_channel",
                                 detail: "channel \(message.channel) is no longer configured", retryAt: nil)
            report.deadLettered += 1
            logger.error("message dead-lettered: channel not configured", metadata: metadata)
            return nil
        }
        Failpoint.afterSend.trigger(failpoint)
        report.deliveries.append((message.channel, outcome.status.rawValue))
        switch outcome.status {
        case .delivered, .partiallyDelivered:
            let detail = outcome.recipients.filter { $0.error != nil }.map { "\($0)" }.joined(separator: "; ")
            if try store.markDelivered(key: message.key, at: now, detail: detail.isEmpty ? outcome.answer.map { "\($0)" } : detail) {
                report.delivered += 1
            }
            logger.info("message delivered", metadata: metadata.merging(["status": "\(outcome.status.rawValue)"]) { $1 })
        case .deadLettered:
            let attempts = item.attempts + 1
            let again = (outcome.error?.recoverable ?? false) && attempts < Watcher.maxAttempts
            let retryAt = again ? now + min(60 * Double(1 << min(attempts - 1, 5)), 1800) : nil
            try store.markFailed(
                key: message.key, at: now, reason: outcome.error?.label ?? "unknown",
                detail: outcome.error.map { "\($0)" }, retryAt: retryAt
            )
            if again {
                report.retried += 1
                report.retriesByChannel[message.channel, default: 0] += 1
            } else {
                report.deadLettered += 1
                report.deadLettersByChannel[message.channel, default: 0] += 1
            }
            logger.warning(again ? "delivery failed, will retry" : "message dead-lettered", metadata: metadata.merging([
                "reason": "\(outcome.error?.label ?? "unknown")", "attempt": "\(attempts)",
            ]) { $1 })
        case .cancelled:
            return nil
        }
        guard message.channel != configuration.opsChannel else { return nil }
        return health.record(outcome, at: now)
    }

    /// The ops channel's message about a source going stale or recovering; nil without an ops channel.
    private func opsMessage(for notice: SourceFreshness.Notice, at now: Date) -> OutboundMessage? {
        guard let ops = configuration.opsChannel else { return nil }
        let key: String, subject: String, text: String
        switch notice {
        case .becameStale(let source, let since, let lastSuccess):
            key = "ops/source/\(source)/stale/\(Int64(since.timeIntervalSince1970))"
            subject = "[slawatch] source \(source) is stale"
            text = "No poll of \(source) has succeeded since \(lastSuccess.map { Timestamp($0).description } ?? "the start"); "
                + "its data counts as stale since \(Timestamp(since)). Pre-breach warnings and customer notices for its "
                + "tickets are held; breach pings still go out, flagged. You will hear when it recovers."
        case .recovered(let source, let since, let at):
            key = "ops/source/\(source)/recovered/\(Int64(at.timeIntervalSince1970))"
            subject = "[slawatch] source \(source) recovered"
            text = "\(source) polled successfully at \(Timestamp(at)) after being stale since \(Timestamp(since))."
        }
        logger.warning("\(subject)", metadata: ["channel": "\(ops)"])
        return OutboundMessage(key: key, channel: ops, audience: .team, isUrgent: true, subject: subject, text: text, createdAt: now)
    }

    /// Puts a message about a channel's trouble in the outbox for the ops channel.
    private func announce(_ notice: ChannelHealth.Notice, at now: Date) throws(StateStoreError) -> [PendingMessage] {
        guard let ops = configuration.opsChannel, let store else { return [] }
        let subject: String, text: String, key: String
        switch notice {
        case .outageStarted(let channel, let reason, let since):
            key = "ops/\(channel)/outage/\(Int64(since.timeIntervalSince1970))"
            subject = "[slawatch] channel \(channel) is failing (\(reason.rawValue))"
            text = "Messages to \(channel) are failing since \(Timestamp(since)) (\(reason.rawValue)). slawatch keeps them "
                + "and tries again; you will hear once more when the channel works."
        case .recovered(let channel, let since, let failures, _):
            key = "ops/\(channel)/recovered/\(Int64(now.timeIntervalSince1970))"
            subject = "[slawatch] channel \(channel) works again"
            text = "Messages to \(channel) go through again after failing since \(Timestamp(since)) (\(failures) failed meanwhile)."
        }
        let message = OutboundMessage(key: key, channel: ops, audience: .team, isUrgent: true, subject: subject, text: text, createdAt: now)
        logger.warning("\(subject)", metadata: ["channel": "\(ops)"])
        try store.commit(TickCommit(at: now, messages: [message]))
        return [PendingMessage(message: message, attempts: 0)]
    }

    /// Attempts before a message is dead-lettered.
    static let maxAttempts = 8

    private func wake(after now: Date, threshold: Date?, stored: Date?) -> Date {
        let polls = sources.map { (lastPoll[$0.config.name] ?? now) + Double($0.config.pollInterval) }
        let candidates = polls + [threshold, stored].compactMap { $0 }
        return max(now, candidates.min() ?? now + Double(configuration.pollInterval))
    }
}
