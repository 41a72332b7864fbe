import Foundation
import TicketSources
import Service

/// Polls the configured sources: which are due, one task each so that sources never wait
/// for one another, how long a tick waits for them, and how fresh each one's data is.
///
/// A poll still running when the tick's wait ends (a first export of a large helpdesk)
/// goes on; its result lands here and is taken by a later tick, and the loop can wait for
/// it (`runningPollFinished`). A poll whose result landed before the tick asked is taken
/// at once, never raced against the deadline.
actor SourcePoller {
    /// How one source's poll ended.
    struct Outcome: Sendable {
        var source: Watcher.Source
        /// The tick that started it.
        var startedAt: Date
        var result: Result<TicketBatch, any Error>
        var seconds: Double
    }

    /// What a tick collected: the polls that ended, and those still running.
    struct Collected: Sendable {
        var outcomes: [Outcome] = []
        var running: [String] = []
    }

    private(set) var sources: [Watcher.Source]
    private var lastPoll: [String: Date] = [:]
    /// Polls started and not yet taken, by source, with the number that tells a poll of a
    /// reloaded source from the one before.
    private var running: [String: (number: Int, task: Task<Void, Never>)] = [:]
    private var landed: [String: Outcome] = [:]
    private var started = 0
    private let bell = Doorbell()
    /// Which sources' data is too old to warn on, to tell the ops channel once and on recovery.
    private(set) var freshness = SourceFreshness()

    init(sources: [Watcher.Source]) {
        self.sources = sources
    }

    /// Starts a poll of every source that is due at `now` (all with `force`) and has none
    /// running; the names of those it started.
    @discardableResult
    func start(at now: Date, force: Bool) -> Set<String> {
        var startedNow: Set<String> = []
        for source in sources where running[source.config.name] == nil {
            let name = source.config.name
            let interval = Double(source.config.pollInterval)
            if !force, let last = lastPoll[name], now < last + interval { continue }
            if lastPoll[name] == nil {
                // A source's freshness is measured from its first poll.
                freshness.track(name, pollInterval: interval, staleAfter: source.config.staleAfter.map(TimeInterval.init), from: now)
            }
            lastPoll[name] = now
            startedNow.insert(name)
            started += 1
            let number = started
            // Off the poller: a source that parses a large export does it on the pool.
            running[name] = (number, Task.detached { [self] in
                let clock = ContinuousClock.now
                let result: Result<TicketBatch, any Error>
                do {
                    var batch = try await source.reader.poll()
                    batch.identify(as: name)
                    result = .success(batch)
                } catch {
                    result = .failure(error)
                }
                await land(Outcome(source: source, startedAt: now, result: result, seconds: (ContinuousClock.now - clock).seconds), number: number)
            })
        }
        return startedNow
    }

    private func land(_ outcome: Outcome, number: Int) {
        // Reloaded meanwhile: the source may be gone, or a new one by the same name.
        guard running[outcome.source.config.name]?.number == number else { return }
        landed[outcome.source.config.name] = outcome
        bell.ring()
    }

    /// Takes the polls that have ended, in source order, with their effect on each source's
    /// freshness, after waiting up to `wait` for those of `awaiting` (the tick's own) to end;
    /// with no `wait`, for every poll running.
    ///
    /// A poll left running by an earlier tick is taken if it has landed, never waited for
    /// again: a source that hangs would otherwise hold every later tick to the deadline,
    /// and with it the other sources' polls and every warning due meanwhile.
    func collect(wait: Duration?, awaiting: Set<String>) async -> (Collected, [SourceFreshness.Notice]) {
        let deadline = wait.map { ContinuousClock.now + $0 }
        // A cancelled tick (the daemon stopping) takes what has landed and waits no more:
        // its doorbell would answer every wait at once until the deadline.
        while !Task.isCancelled, running.keys.contains(where: { landed[$0] == nil && (wait == nil || awaiting.contains($0)) }) {
            if let deadline {
                let left = deadline - ContinuousClock.now
                guard left > .zero else { break }
                await bell.wait(atMost: left.seconds)
            } else {
                await bell.wait(atMost: 3600)
            }
        }
        var collected = Collected()
        var notices: [SourceFreshness.Notice] = []
        for source in sources {
            let name = source.config.name
            guard running[name] != nil else { continue }
            guard let outcome = landed.removeValue(forKey: name) else {
                collected.running.append(name)
                continue
            }
            running[name] = nil
            if case .failure = outcome.result {
                notices += freshness.record(name, succeeded: false, at: outcome.startedAt)
            } else {
                notices += freshness.record(name, succeeded: true, at: outcome.startedAt)
            }
            collected.outcomes.append(outcome)
        }
        return (collected, notices)
    }

    /// Returns once a running poll's result lands (at once when one has, or none runs), or
    /// when the calling task is cancelled.
    func runningPollFinished() async {
        while !running.isEmpty, landed.isEmpty, !Task.isCancelled {
            await bell.wait(atMost: 3600)
        }
    }

    /// Notices of sources that went stale without a poll ending.
    func checkFreshness(at now: Date) -> [SourceFreshness.Notice] {
        freshness.check(at: now)
    }

    /// Sources whose data is stale at `now`, with since when.
    func staleSources(at now: Date) -> [String: Date] {
        var stale: [String: Date] = [:]
        for source in sources {
            if let since = freshness.status(of: source.config.name, at: now)?.staleSince { stale[source.config.name] = since }
        }
        return stale
    }

    /// Each source's readiness: when it last polled successfully and how long its data keeps.
    func readiness(at now: Date) -> [SourceReadiness] {
        sources.map { source in
            let status = freshness.status(of: source.config.name, at: now)
            return SourceReadiness(
                name: source.config.name, lastSuccess: status?.lastSuccess,
                staleAfter: status?.limit ?? SourceFreshness.limit(pollInterval: TimeInterval(source.config.pollInterval))
            )
        }
    }

    /// The next instant a source is due for a poll.
    func nextPoll(after now: Date) -> Date? {
        sources.map { (lastPoll[$0.config.name] ?? now) + Double($0.config.pollInterval) }.min()
    }

    /// Follows a reloaded configuration. A poll of the old reader is not taken: the source
    /// may read elsewhere now. Returns the names of sources that are gone.
    func replace(_ sources: [Watcher.Source]) -> [String] {
        for (_, poll) in running { poll.task.cancel() }
        running.removeAll()
        landed.removeAll()
        let names = Set(sources.map(\.config.name))
        let gone = self.sources.map(\.config.name).filter { !names.contains($0) }
        for name in gone {
            freshness.untrack(name)
            lastPoll[name] = nil
        }
        self.sources = sources
        return gone
    }
}
