import Foundation
import Logging
import SLAEngine
import TicketSources
import Transport

/// The changes ladder steps and acknowledgements make at the helpdesk (`write_back`),
/// made off the tick: a helpdesk that is slow, refusing or down holds back no tick, no
/// poll and no message, as a receiver does not.
///
/// Each change (a priority, a tag) is attempted on its own, so one the helpdesk refuses
/// does not skip the other. One that may succeed later (a timeout, a broken connection, a
/// 5xx, a 429) is tried again after a pause that doubles from 30 s to 15 min, for up to a
/// day; one the helpdesk refuses (the ticket gone, the value refused, the credentials) is
/// logged and dropped. Changes wait in memory: the step that asked for one is recorded,
/// so a restart drops the changes not yet made rather than making them twice.
actor HelpdeskWrites {
    /// One change at the helpdesk.
    struct Change: Sendable, Hashable {
        enum What: Sendable, Hashable {
            case priority(TicketPriority)
            case tag(String)
        }

        var source: String
        var ticketID: String
        var what: What
        /// What the change is for, for the log: the step, or none for an acknowledgement's tag.
        var step: String?
    }

    private struct Pending {
        var change: Change
        var attempts = 0
        var due: ContinuousClock.Instant
        let since: ContinuousClock.Instant
    }

    /// Pauses between attempts: doubling from the first to the last.
    static let firstPause = Duration.seconds(30), longestPause = Duration.seconds(900)
    /// How long a change is tried for.
    static let maximumAge = Duration.seconds(86_400)

    private var pending: [Pending] = []
    /// The change being attempted now.
    private var inFlight: Change?
    private var worker: Task<Void, Never>?
    /// Workers started, so one stopped and ending late does not forget its successor.
    private var workers = 0
    /// Callers of `attemptDue` waiting for the due changes to be attempted.
    private var idle: [CheckedContinuation<Void, Never>] = []
    private let logger: Logger
    /// The writers of the sources that write back, as configured now, by source name.
    private var writers: [String: any TicketWriter]

    init(logger: Logger, writers: [String: any TicketWriter]) {
        self.logger = logger
        self.writers = writers
    }

    /// Follows a reloaded configuration: a change waiting is made by its source's writer as
    /// configured when it is attempted, and dropped if the source no longer writes back.
    func use(_ writers: [String: any TicketWriter]) {
        self.writers = writers
    }

    /// Queues `changes` (one already waiting is not queued twice) and starts them now.
    func make(_ changes: [Change]) {
        let now = ContinuousClock.now
        for change in changes where !pending.contains(where: { $0.change == change }) && inFlight != change {
            pending.append(Pending(change: change, due: now, since: now))
        }
        guard !pending.isEmpty, worker == nil else { return }
        workers += 1
        let number = workers
        worker = Task { await self.work(number) }
    }

    /// Returns once every change due now has been attempted once: for `run --once`, whose
    /// process ends after its tick. Changes to try later stay queued.
    func attemptDue() async {
        let now = ContinuousClock.now
        guard worker != nil, inFlight != nil || pending.contains(where: { $0.due <= now }) else { return }
        await withCheckedContinuation { idle.append($0) }
    }

    /// Stops making changes and forgets those waiting: a daemon that stops leading a shared
    /// state leaves the helpdesk to the one that leads now.
    func stop() {
        worker?.cancel()
        worker = nil
        pending.removeAll()
        wakeIdle()
    }

    /// The changes waiting, for tests.
    var waiting: [Change] { pending.map(\.change) }

    /// Attempts the due changes one at a time, then sleeps until the next is due; ends
    /// when none is left. A change is taken out of the queue only as it is attempted.
    private func work(_ number: Int) async {
        while !Task.isCancelled {
            let now = ContinuousClock.now
            if let index = pending.firstIndex(where: { $0.due <= now }) {
                var item = pending.remove(at: index)
                inFlight = item.change
                item.attempts += 1
                let retry = await attempt(item.change, since: item.since, attempts: item.attempts)
                // Stopped meanwhile: the queue may have a new worker by now; leave it be.
                if Task.isCancelled { return }
                inFlight = nil
                if let retry {
                    item.due = ContinuousClock.now + retry
                    pending.append(item)
                }
                continue
            }
            wakeIdle()
            guard let next = pending.map(\.due).min() else { break }
            try? await Task.sleep(until: next, clock: .continuous)
        }
        guard number == workers else { return }
        worker = nil
        wakeIdle()
    }

    private func wakeIdle() {
        for waiter in idle { waiter.resume() }
        idle.removeAll()
    }

    /// One attempt at `change`; the pause before the next one, or nil when it is done or given up.
    private func attempt(_ change: Change, since: ContinuousClock.Instant, attempts: Int) async -> Duration? {
        var metadata: Logger.Metadata = ["ticket": "\(change.ticketID)", "source": "\(change.source)"]
        if let step = change.step { metadata["step"] = "\(step)" }
        guard let writer = writers[change.source] else {
            logger.warning("write-back dropped: the source no longer writes back", metadata: metadata)
            return nil
        }
        do {
            switch change.what {
            case .priority(let priority):
                try await writer.setPriority(change.ticketID, priority)
                logger.info("ticket priority raised", metadata: metadata.merging(["priority": "\(priority.rawValue)"]) { $1 })
            case .tag(let tag):
                try await writer.addTag(change.ticketID, tag)
                logger.info("ticket tagged", metadata: metadata.merging(["tag": "\(tag)"]) { $1 })
            }
            return nil
        } catch {
            metadata["error"] = "\(error)"
            let pause = HelpdeskWrites.pause(after: attempts, asked: error.retryAfter)
            guard error.recoverable, error.code != .cancelled, ContinuousClock.now + pause < since + HelpdeskWrites.maximumAge else {
                logger.error("write-back failed", metadata: metadata)
                return nil
            }
            logger.warning("write-back failed; trying again", metadata: metadata.merging(["retry_in": "\(Int(pause.seconds))s"]) { $1 })
            return pause
        }
    }

    /// The pause after `attempts` failed attempts: doubling from `firstPause`, at most
    /// `longestPause`, or what the helpdesk asked for (`Retry-After`) when that is longer.
    static func pause(after attempts: Int, asked: TimeInterval?) -> Duration {
        let doubled = firstPause * (1 << min(max(attempts - 1, 0), 10))
        let backoff = min(doubled, longestPause)
        guard let asked, asked.isFinite, asked > 0 else { return backoff }
        return max(backoff, .seconds(min(asked, maximumAge.seconds)))
    }
}
