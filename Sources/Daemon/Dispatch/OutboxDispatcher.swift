public import Delivery
public import Foundation
public import Logging
public import SLAEngine
public import StateStore
import Synchronization
public import Transport
public import Service

/// Delivers what the outbox holds, one lane per channel, and owns every retry.
///
/// The tick ends at its commit and hands the new messages over (`submit`); nothing here
/// ever holds up a tick. Each channel's lane starts attempts up to its bound, a channel that
/// is slow, refusing or answering 5xx keeps only its own lane busy, and a failed attempt is
/// scheduled again in the outbox row (attempts, next attempt), so a restart resumes it:
/// `resume` makes every message held in the outbox due at once. Each attempt is recorded as
/// soon as it ends, gathered with the others that ended meanwhile into one transaction.
///
/// `run` is the daemon's loop; `drain` makes one attempt at everything due and returns
/// (`run --once`, tests).
public actor OutboxDispatcher {
    private var schedule: DeliverySchedule
    private var notifiers: [String: any Notifier]
    private var opsChannel: String?
    /// What ops notices are worded with.
    private var templates: MessageTemplates
    let store: any OutboxStore
    let clock: any DeliveryClock
    private let random: @Sendable () -> Double
    let logger: Logger
    let metrics: MetricsRegistry?
    private let failpoint: Failpoint?
    /// Marked on every turn of the loop: the watchdog's sign that delivery is not wedged.
    public nonisolated let heartbeat: LoopHeartbeat
    let doorbell = Doorbell()
    private let stopRequested = Mutex(false)

    /// Attempts in flight, by number, so a stop can cancel them.
    var attempts: [Int: Task<Void, Never>] = [:]
    var attemptsStarted = 0
    /// False once a stop is under way: no new attempt starts.
    private var accepting = true
    /// A pump is queued behind the attempt ends waiting for the actor (`pumpSoon`).
    private var pumpPending = false
    /// While draining: the keys attempted, so each message gets one attempt.
    private var attempted: Set<String>?
    /// When waiting messages were last checked for age.
    private var lastExpiry = Date.distantPast
    static let expiryTurn = 10.0

    /// Attempts that ended, waiting for the actor, and the turns it took to finish such batches.
    nonisolated let ended = Mutex<[AttemptEnd]>([])
    private(set) var endTurns = 0

    /// Attempt ends waiting to be recorded (with their channels), the outages they changed,
    /// and whether a write is under way.
    var unrecorded: [AttemptRecord] = []
    var unrecordedChannels: [String] = []
    /// Ends not yet written, by channel, waiting or in a write under way. A lane whose
    /// attempts carry runs (a `log` file) starts its next run only once its last is
    /// recorded: the records wait behind a large tick's commits on SQLite's one writer, and
    /// a lane writing on meanwhile had thousands of lines a crash would write again.
    var awaitingRecord: [String: Int] = [:]
    var outageChanges: [String: ChannelOutage?] = [:]
    var recording = false
    /// Writes of records that failed in a row (a drain gives up waiting after a few).
    var failedRecordWrites = 0
    /// Each channel's results since its lane last went quiet, for one log line per round.
    var rounds: [String: Round] = [:]

    /// How long in-flight attempts may finish after a stop is asked for; the rest stay in the outbox.
    public static let stopGrace = 2.0
    /// The loop turns at least this often, so the heartbeat is fresh while nothing is due.
    static let idleTurn = 1.0

    public init(
        store: any OutboxStore, notifiers: [String: any Notifier], opsChannel: String?, templates: MessageTemplates,
        policy: RetryPolicy = .delivery,
        clock: any DeliveryClock = SystemDeliveryClock(), random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        metrics: MetricsRegistry? = nil, logger: Logger, failpoint: Failpoint? = nil, heartbeat: LoopHeartbeat = LoopHeartbeat(),
        bodiesPerLane: Int = DeliverySchedule.defaultBodiesPerLane
    ) {
        self.heartbeat = heartbeat
        self.store = store
        self.notifiers = notifiers
        self.opsChannel = opsChannel
        self.templates = templates
        self.clock = clock
        self.random = random
        self.metrics = metrics
        self.logger = logger
        self.failpoint = failpoint
        schedule = OutboxDispatcher.schedule(notifiers, policy: policy, bodiesPerLane: bodiesPerLane)
    }

    /// Attempts in flight at once on one channel: a `log` file is written in order, a mail
    /// relay takes a few sessions, a webhook many requests over keep-alive connections.
    public static func attemptsInFlight(for kind: ChannelKind) -> Int {
        switch kind {
        case .log: 1
        case .email: 4
        default: 32
        }
    }

    /// Attempts in flight at once on a channel whose receiver keeps up: a webhook lane twice
    /// its connections, so each has its next request waiting in the transport; a `log` file
    /// and a mail relay no more than ever.
    public static func attemptsInFlightKeepingUp(for kind: ChannelKind) -> Int {
        switch kind {
        case .log, .email: attemptsInFlight(for: kind)
        default: 2 * attemptsInFlight(for: kind)
        }
    }

    /// Bounds each lane by its channel: attempts in flight, and messages an attempt carries.
    static func bound(_ schedule: inout DeliverySchedule, by notifiers: [String: any Notifier]) {
        schedule.limits = notifiers.mapValues { attemptsInFlight(for: $0.kind) }
        schedule.keepingUpLimits = notifiers.mapValues { attemptsInFlightKeepingUp(for: $0.kind) }
        schedule.batches = notifiers.compactMapValues { $0.messagesPerAttempt > 1 ? $0.messagesPerAttempt : nil }
    }

    static func schedule(
        _ notifiers: [String: any Notifier], policy: RetryPolicy, health: ChannelHealth = ChannelHealth(), bodiesPerLane: Int
    ) -> DeliverySchedule {
        var schedule = DeliverySchedule(policy: policy, health: health, bodiesPerLane: bodiesPerLane)
        bound(&schedule, by: notifiers)
        return schedule
    }

    /// Loads what the outbox holds, every message due now (by key: each body is read back
    /// when it is claimed), and the outages ops already heard of.
    public func resume() async throws(StateStoreError) {
        let health = ChannelHealth(outages: try await store.channelOutages())
        let now = clock.date()
        var restored = OutboxDispatcher.schedule(notifiers, policy: schedule.policy, health: health, bodiesPerLane: schedule.bodiesPerLane)
        for pending in try await store.pendingKeys() {
            restored.add(pending, due: now)
        }
        schedule = restored
    }

    /// Waiting messages the lanes hold whole; the rest wait as keys.
    public var bodiesHeld: Int { schedule.bodies }

    /// Takes messages the tick just committed; `claimed` when the commit found every one
    /// new to an outbox only this daemon sends from (`Committed.messagesAreNew`).
    public func submit(_ messages: [OutboundMessage], claimed: Bool = false) {
        schedule.add(messages, due: clock.date(), claimed: claimed)
        pump()
    }

    /// Swaps in the channels of a reloaded configuration: the next attempt of each message
    /// goes to its channel as configured then.
    public func use(notifiers: [String: any Notifier], opsChannel: String?, templates: MessageTemplates) {
        self.notifiers = notifiers
        self.opsChannel = opsChannel
        self.templates = templates
        OutboxDispatcher.bound(&schedule, by: notifiers)
        pump()
    }

    /// Asks `run` to stop: no new attempts; those in flight get `stopGrace` seconds.
    public nonisolated func requestStop() {
        stopRequested.withLock { $0 = true }
        doorbell.ring()
    }

    /// Delivers until cancelled or asked to stop. Attempts start as soon as a message is due
    /// and its lane has room: when it is submitted, when an attempt of its lane ends, or when
    /// its retry falls due (the loop sleeps until then).
    public func run() async {
        var stopDeadline: Date?
        while !Task.isCancelled {
            let now = clock.date()
            if stopRequested.withLock({ $0 }) {
                accepting = false
                let deadline = stopDeadline ?? now + OutboxDispatcher.stopGrace
                stopDeadline = deadline
                if attempts.isEmpty { break }
                if now >= deadline { cancelAttempts() }
            } else {
                expireOld(at: now)
                pump()
            }
            recordLater()
            reportLongRounds()
            heartbeat.beat()
            var wait = schedule.nextDue().map { $0.timeIntervalSince(now) } ?? OutboxDispatcher.idleTurn
            // A stop under way wakes at its grace's end, not at the next idle turn after it.
            if let stopDeadline { wait = min(wait, stopDeadline.timeIntervalSince(now)) }
            await doorbell.wait(atMost: min(max(wait, 0.001), OutboxDispatcher.idleTurn))
        }
        accepting = false
        cancelAttempts()
        while !attempts.isEmpty { await doorbell.wait(atMost: 0.05) }
        await recordNow()
    }

    /// One attempt at every message due now (those it adds meanwhile, such as an ops
    /// notice, included), then every end recorded. Failures are scheduled, not retried here.
    public func drain() async {
        attempted = []
        pump()
        // A write under way, or one of ends not yet written, may let a lane waiting for its
        // records start its next run: the drain is this loop's turns, as the daemon's are `run`'s.
        while !attempts.isEmpty || recording || (!unrecorded.isEmpty && failedRecordWrites < 100) {
            recordLater()
            await doorbell.wait(atMost: OutboxDispatcher.idleTurn)
        }
        attempted = nil
        await recordNow()
    }

    /// Claims every message that is due and has room in its lane, then starts an attempt at
    /// each claim granted (`start`).
    func pump() {
        guard accepting else { return }
        let unwritten = awaitingRecord.compactMap { channel, count in
            count > 0 && (notifiers[channel]?.messagesPerAttempt ?? 1) > 1 ? channel : nil
        }
        let due = schedule.take(now: clock.date(), skipping: attempted ?? [], holding: Set(unwritten))
        guard !due.isEmpty else { return }
        for entry in due { attempted?.insert(entry.key) }
        attemptsStarted += 1
        let number = attemptsStarted
        let store = store
        // Messages a commit put in the outbox new start without a look-up.
        guard due.contains(where: \.needsClaim) else {
            return start(number, due, claim: OutboxClaim(granted: Set(due.map(\.key))), failure: nil)
        }
        // The claim counts as an attempt in flight, so a drain or a stop waits for it.
        attempts[number] = Task { [self] in
            let (claim, failure) = Task.isCancelled ? (OutboxClaim(granted: []), nil) : await OutboxDispatcher.claim(due, from: store)
            start(number, due, claim: claim, failure: failure)
        }
    }

    /// Pumps once the attempt ends already queued behind this one are taken: a busy lane
    /// claims its next messages in one read of the store, not one read per ended attempt.
    /// Counts as an attempt in flight until it has pumped, so a drain or a stop waits for it.
    private func pumpSoon() {
        guard accepting, !pumpPending else { return }
        pumpPending = true
        attemptsStarted += 1
        let number = attemptsStarted
        attempts[number] = Task { [self] in pumpNow(number) }
    }

    private func pumpNow(_ number: Int) {
        attempts[number] = nil
        pumpPending = false
        // What ended by now leaves its room first, so one claim takes it all.
        if settleEnded() { recordLater() }
        pump()
        if attempts.isEmpty { doorbell.ring() }
    }

    /// Starts an attempt at each claimed message; the others wait in their lane for the next
    /// claim (a deposed leader's claims are never granted, and its dispatcher is stopped).
    private func start(_ number: Int, _ entries: [DeliverySchedule.Entry], claim: OutboxClaim, failure: StateStoreError?) {
        attempts[number] = nil
        let granted = claim.granted
        if let failure {
            logger.error("cannot claim messages to deliver", metadata: ["error": "\(failure)", "count": "\(entries.count)"])
        } else if granted.count < entries.count {
            logger.warning("messages not claimed: another daemon leads", metadata: ["count": "\(entries.count - granted.count)"])
        }
        let later = clock.date() + OutboxDispatcher.claimRetry
        // A channel whose attempts carry several messages gets the run of them in one attempt.
        var runs: [String: [(DeliverySchedule.Entry, OutboundMessage)]] = [:]
        for var entry in entries {
            entry.message = entry.message ?? claim.messages[entry.key]
            guard accepting, granted.contains(entry.key), let message = entry.message else {
                schedule.release(entry, due: later)
                continue
            }
            let notifier = notifiers[entry.channel]
            if let notifier, notifier.messagesPerAttempt > 1 {
                runs[entry.channel, default: []].append((entry, message))
            } else {
                attempt([(entry, message)], on: notifier)
            }
        }
        for (channel, run) in runs { attempt(run, on: notifiers[channel]) }
        if attempts.isEmpty { doorbell.ring() }
    }

    private func cancelAttempts() {
        for attempt in attempts.values { attempt.cancel() }
    }

    /// Finishes every attempt that ended meanwhile in one turn, then claims for the room they left.
    func finishEnded() {
        guard settleEnded() else { return }
        pumpSoon()
        recordLater()
        if attempts.isEmpty { doorbell.ring() }
    }

    /// Takes the ended attempts into the schedule; false when none had ended.
    private func settleEnded() -> Bool {
        let ends = ended.withLock { ends in
            defer { ends.removeAll(keepingCapacity: true) }
            return ends
        }
        guard !ends.isEmpty else { return false }
        endTurns += 1
        let now = clock.date()
        var channels: Set<String> = []
        for end in ends {
            attempts[end.number] = nil
            let status = end.outcome?.status
            if status != .cancelled { Failpoint.afterSend.trigger(failpoint) }
            // Jitter only for what may be scheduled again.
            let jitter = end.outcome == nil || status == .delivered || status == .cancelled ? 0 : random()
            take(schedule.finish(end.entry, end.outcome, at: now, random: jitter), of: end.entry, end.outcome, at: now)
            channels.insert(end.entry.channel)
        }
        for channel in channels where schedule.isQuiet(channel, at: now) { endRound(of: channel) }
        return true
    }

    /// Records, counts and announces what the schedule made of an attempt's end.
    private func take(_ finished: DeliverySchedule.Finished, of entry: DeliverySchedule.Entry, _ outcome: DeliveryOutcome?, at now: Date) {
        if let record = finished.record {
            unrecorded.append(record)
            unrecordedChannels.append(entry.channel)
            awaitingRecord[entry.channel, default: 0] += 1
        }
        if let outage = finished.outage {
            outageChanges[entry.channel] = outage
        }
        count(finished, of: entry, outcome)
        if let notice = finished.notice, entry.channel != opsChannel { announce(notice, at: now) }
    }

    /// Dead-letters what waited past the maximum age; at most once every `expiryTurn` seconds.
    private func expireOld(at now: Date) {
        guard now >= lastExpiry + OutboxDispatcher.expiryTurn else { return }
        lastExpiry = now
        for (entry, finished) in schedule.expire(now: now) {
            take(finished, of: entry, nil, at: now)
        }
    }

    /// Puts ops' message about a channel in the outbox and queues it.
    private func announce(_ notice: ChannelHealth.Notice, at now: Date) {
        guard let ops = opsChannel else { return }
        let message = OpsNotice.message(for: notice, to: ops, at: now, templates: templates)
        logger.warning("\(message.subject)", metadata: ["channel": "\(ops)"])
        enqueueNotice(message, at: now)
    }

    /// Puts an ops notice in the outbox, then queues it; a drain waits for it.
    private func enqueueNotice(_ message: OutboundMessage, at now: Date) {
        attemptsStarted += 1
        let number = attemptsStarted
        attempts[number] = Task { [self] in await enqueued(number, message, at: now) }
    }

    private func enqueued(_ number: Int, _ message: OutboundMessage, at now: Date) async {
        defer {
            attempts[number] = nil
            if attempts.isEmpty { doorbell.ring() }
        }
        do {
            try await store.enqueue([message])
            schedule.add(message, due: now)
            pump()
        } catch {
            logger.error("cannot put an ops notice in the outbox", metadata: ["error": "\(error)"])
        }
    }
}
