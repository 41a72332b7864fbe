public import Foundation
public import Logging
public import SLAConfig
import SLAEngine
public import StateStore
public import TicketSources
import Delivery
import Synchronization
public import Service

/// The daemon's work, one tick at a time: poll the sources that are due, record what
/// changed, run every clock, walk the ladders, and put the messages in the outbox together
/// with the ladder progress. The tick ends at that commit: it hands the messages to the
/// outbox dispatcher and never waits on a receiver.
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
    /// The state the tick reads and commits to; a `DryRunLog` for a dry run.
    let store: any NotificationLog
    private(set) var sources: [Source]
    /// Takes the messages each commit put in the outbox; nil for a dry run.
    let dispatcher: OutboxDispatcher?
    let logger: Logger
    let failpoint: Failpoint?

    /// The sources, their polls and their freshness.
    let poller: SourcePoller
    /// The last poll's tickets, by source.
    var tickets = PolledTickets()
    /// Transitions the store recorded, by ticket id.
    var observed: [String: [TicketEvent]] = [:]
    /// Source-freshness notices waiting for the next commit.
    var sourceNotices: [SourceFreshness.Notice] = []
    /// The problems each source's last poll had, so that one repeated at every poll of an
    /// unchanged file is a warning once, not at every poll interval.
    var problemsLastPolled: [String: Set<String>] = [:]
    /// Signs the action links of team messages; nil without `public_url`.
    private(set) var links: ActionLinks?
    /// Rung when someone answers a ping, so the next tick tells the team at once.
    private let answered = Doorbell()
    /// Scheduled report periods already in the outbox (`report/NAME/PERIOD`).
    var reportsDone: Set<String> = []
    /// Tickets this process has tagged with `actions.ack_tag` for the acknowledgement
    /// standing now, by ticket key: tagged once, not at every tick until a poll shows the tag.
    var ackTagged: Set<String> = []
    /// Makes the changes at the helpdesk off the tick; nil for a dry run, which makes none.
    let helpdesk: HelpdeskWrites?
    /// Whether the intents quiet hours hold are to be scheduled again under the quiet hours
    /// configured now, before the next tick reads those due: at start and after a reload.
    var heldNeedScheduling = true
    /// Ticks ended with messages still to deliver since the WAL was last copied back.
    var ticksSinceCheckpoint = 0
    /// Ticks the copy of the WAL waits at most for the outbox to empty.
    static let checkpointPatience = 10
    /// How long an ended silence is still read, so a breached clock it muted gets its
    /// catch-up (which names it) when the daemon was down as the silence ended.
    static let silenceMemory: TimeInterval = 7 * 86_400

    /// `store` may be nil only for a dry run without a state file; a dry run never writes,
    /// and changes nothing at the helpdesk (`writesBack` false).
    public init(
        configuration: Configuration, templates: MessageTemplates, store: any NotificationLog, sources: [Source],
        dispatcher: OutboxDispatcher?, logger: Logger, failpoint: Failpoint? = nil, links: ActionLinks? = nil,
        writesBack: Bool = true
    ) {
        self.configuration = configuration
        (engine, escalator, composer) = Watcher.parts(of: configuration, templates: templates)
        composer.links = links
        self.links = links
        self.store = store
        self.sources = sources
        poller = SourcePoller(sources: sources)
        self.dispatcher = dispatcher
        self.logger = logger
        self.failpoint = failpoint
        helpdesk = writesBack ? HelpdeskWrites(logger: logger, writers: Watcher.writers(of: sources)) : nil
    }

    /// The writers of the sources that write back, by name.
    private static func writers(of sources: [Source]) -> [String: any TicketWriter] {
        var writers: [String: any TicketWriter] = [:]
        for source in sources where source.config.writeBack {
            if let writer = source.writer { writers[source.config.name] = writer }
        }
        return writers
    }

    /// Makes the changes at the helpdesk that are due now, once each, and returns when they
    /// are done: `run --once` ends its process after its tick.
    public func makeHelpdeskChanges() async {
        await helpdesk?.attemptDue()
    }

    /// Stops the changes at the helpdesk still to make: this daemon no longer leads.
    public func stopHelpdeskChanges() async {
        await helpdesk?.stop()
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
        try await scheduleHeld(at: now)
        let heldDue = try await store.heldIntents(dueBy: now)
        // Silences standing, and those ended lately: a breached clock they muted gets its catch-up.
        let silences = try await (store as? any SilenceLog)?.silences(endingAfter: now - Watcher.silenceMemory) ?? []
        var evaluation = try await evaluate(at: now, keepingClocksOf: Set(heldDue.map(\.ticketKey)), silences: silences, into: &report)
        report.lap("evaluate", since: &phase)
        let nextThreshold = evaluation.nextThreshold
        // Breaches are recorded on the store's writer while the messages are worded here.
        let breachesRecorded = record(takingFrom: &evaluation, at: now)
        // The clocks are let go here: a large tick's memory peaks in the commit.
        var decided = decide(
            consume evaluation, heldDue: heldDue, silences: silences, stale: await poller.staleSources(at: now), at: now)
        report.lap("compose", since: &phase)
        let notices = sourceNotices.compactMap { notice in
            configuration.opsChannel.map { ops in
                let message = OpsNotice.message(for: notice, to: ops, at: now, templates: composer.templates)
                logger.warning("\(message.subject)", metadata: ["channel": "\(ops)"])
                return message
            }
        }
        sourceNotices.removeAll()
        // Surges are committed with the first part, beside the notices.
        let surges = try await surges(at: now)
        for surge in surges.commit.started { report.surges[surge.by.rawValue, default: 0] += 1 }
        var reportsDone = self.reportsDone
        try await commitInParts(&decided, at: now, into: &report, phase: &phase, surges: surges.commit) {
            () async throws(StateStoreError) -> [OutboundMessage] in
            // Scheduled reports due now, from the outcomes recorded above; none in a dry run.
            // Without reports the commit waits for nothing: a PostgreSQL state writes the
            // intents while the breaches and outcomes are still going in.
            guard dispatcher != nil, !configuration.reports.isEmpty, let log = store as? any ClockOutcomeLog else { return notices + surges.messages }
            if let failure = await breachesRecorded.value { throw failure }
            return try await notices + surges.messages + ReportScheduler(configuration: configuration).messages(at: now, log: log, done: &reportsDone)
        }
        if let failure = await breachesRecorded.value { throw failure }
        self.reportsDone = reportsDone
        Failpoint.afterCommit.trigger(failpoint)

        // Handed over, not awaited: a slow helpdesk holds back no tick.
        await writeBack(decided.writeBacks)
        await tagAcknowledged(at: now)
        report.lap("write_back", since: &phase)
        // The end of a silence is when its catch-ups are owed.
        let silenceEnds = silences.lazy.map(\.endsAt).filter { $0 > now }.min()
        report.nextWake = await wake(
            after: now, threshold: [nextThreshold, silenceEnds].compactMap { $0 }.min(), stored: try await store.nextHeldRelease())
        report.outboxPending = try await store.outboxDepth().pending
        // The WAL is copied back once what the ticks committed is delivered: the copy holds
        // the store's writer, and the record of every attempt ending meanwhile waits behind
        // it. An outbox that does not empty defers it `checkpointPatience` ticks at most.
        if report.outboxPending == 0 || ticksSinceCheckpoint >= Watcher.checkpointPatience {
            store.checkpointLater()
            ticksSinceCheckpoint = 0
        } else {
            ticksSinceCheckpoint += 1
        }
        return report
    }

    // MARK: Reload and readiness

    /// Swaps in a new configuration, validated by the caller. Clocks, ladder progress, the
    /// outbox and what sources returned are kept; sources and channels follow the new file.
    public func reload(
        configuration: Configuration, templates: MessageTemplates, sources: [Source], links: ActionLinks? = nil
    ) async {
        self.configuration = configuration
        (engine, escalator, composer) = Watcher.parts(of: configuration, templates: templates)
        composer.links = links
        self.links = links
        for gone in await poller.replace(sources) {
            tickets.remove(gone)
        }
        self.sources = sources
        await helpdesk?.use(Watcher.writers(of: sources))
        heldNeedScheduling = true
        // Quiet hours widened or removed let out what they hold at once, not at the next wake.
        if (try? await store.nextHeldRelease()) != nil { answered.ring() }
    }

    /// Schedules the held intents again once the quiet hours may have changed (at start and
    /// after a reload): widened or removed quiet hours let out what they held at the next
    /// tick, narrowed ones hold it longer.
    private func scheduleHeld(at now: Date) async throws(StateStoreError) {
        guard heldNeedScheduling else { return }
        let moved = try await store.rescheduleHeld(escalator.heldReleases(on: configuration.channels.keys, at: now))
        heldNeedScheduling = false
        if moved > 0 {
            logger.info("held messages scheduled again under the quiet hours configured now", metadata: ["moved": "\(moved)"])
        }
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
            teams: configuration.teams, customerNotices: configuration.customerNotices,
            htmlChannels: Set(configuration.channels.values.filter { $0.type == .email || $0.type == .webhook }.map(\.name))
        )
        return (configuration.engine, escalator, composer)
    }

    /// The open clocks at risk at `now` over the last poll's tickets, for the status page.
    /// The tickets are taken from the actor, then evaluated off it, so a page view never
    /// holds up a tick.
    public nonisolated func statusBoard(at now: Date) async -> StatusBoard {
        let (tickets, observed, engine, teams) = await statusInputs()
        // A state that cannot be read now shows no holds rather than no page.
        let holds = (try? await store.clockHolds()) ?? [:]
        return StatusBoard(
            tickets: tickets.batches.sorted { $0.key < $1.key }.lazy.flatMap(\.value), engine: engine, teams: teams,
            observed: { observed[$0] ?? [] }, holds: holds, at: now)
    }

    private func statusInputs() -> (PolledTickets, [String: [TicketEvent]], SLAEngine, [Team]) {
        (tickets, observed, engine, configuration.teams)
    }

    /// Ready once the first tick is done and every source's data is fresh. Answered by the
    /// poller, so a long tick does not hold up `/readyz`.
    public nonisolated func readiness(firstTickAt: Date?, at now: Date) async -> Readiness {
        Readiness.evaluate(firstTickAt: firstTickAt, sources: await poller.readiness(at: now), now: now)
    }

    /// Wakes the loop for a tick now: someone answered a ping, and the channels already
    /// pinged hear it at once rather than at the next poll or threshold (and, with
    /// `actions.ack_tag`, an acknowledged ticket is tagged: `tagAcknowledged`).
    public nonisolated func nudge() {
        answered.ring()
    }

    /// Returns when `nudge()` is called (at once if it was since the last return), or when
    /// the calling task is cancelled.
    public nonisolated func nudged() async {
        await answered.wait(atMost: 3600)
    }

    /// Returns once a poll still running finishes (at once when none is), or when the
    /// calling task is cancelled: the loop wakes for a background poll's result instead of
    /// waiting for the next poll or threshold.
    public nonisolated func runningPollFinished() async {
        await poller.runningPollFinished()
    }

    /// The next tick: the next poll, threshold or end of quiet hours, whichever is first.
    private func wake(after now: Date, threshold: Date?, stored: Date?) async -> Date {
        let candidates = [
            await poller.nextPoll(after: now), threshold, stored, ReportScheduler(configuration: configuration).nextDue(after: now),
        ].compactMap { $0 }
        return max(now, candidates.min() ?? now + Double(configuration.pollInterval))
    }
}
