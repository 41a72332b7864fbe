public import Foundation
public import Logging
public import ServiceLifecycle
public import Service
public import StateStore
import Synchronization

/// The daemon on a shared PostgreSQL state: a leadership round every third of the lease
/// (every second while standing by), and the leader's work (the tick loop and the outbox
/// dispatcher) running exactly while this daemon leads.
///
/// Each role change is one log line, `slawatch_leader` and systemd's `STATUS=` follow it. A
/// standby sends `READY=1` as soon as its role is known and feeds the watchdog from this
/// loop; a leader renews its heartbeat, and feeds the watchdog, only while the work's loops
/// make progress. Work that stops with an error (the database went away mid-tick) ends the
/// lead, so whichever daemon takes it next starts from what the database holds.
public struct RoleService: NamedService {
    /// What the leader runs; it returns when cancelled, and marks `progress` as it goes.
    public typealias Work = @Sendable (_ tick: LoopHeartbeat, _ delivery: LoopHeartbeat) async throws -> Void

    let leadership: PostgresLeadership
    let role: DaemonRole
    let notifier: SystemdNotifier
    /// The watchdog's: beaten by this loop.
    let heartbeat: LoopHeartbeat
    let metrics: MetricsRegistry
    let leaderGauge: MetricGauge<MetricsRegistry.NoLabels>
    let logger: Logger
    let work: Work

    public init(
        leadership: PostgresLeadership, role: DaemonRole, notifier: SystemdNotifier, heartbeat: LoopHeartbeat,
        metrics: MetricsRegistry, leaderGauge: MetricGauge<MetricsRegistry.NoLabels>, logger: Logger, work: @escaping Work
    ) {
        self.leadership = leadership
        self.role = role
        self.notifier = notifier
        self.heartbeat = heartbeat
        self.metrics = metrics
        self.leaderGauge = leaderGauge
        self.logger = logger
        self.work = work
    }

    public func run() async throws {
        let lease = leadership.lease
        var running: Running?
        var readySent = false
        var announced: PostgresLeadership.Role?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var progressing = false
            if let current = running {
                let oldest = current.progress.map(\.lastBeat).min() ?? .now
                progressing = ContinuousClock.now - oldest < .seconds(lease * 2 / 3)
                if current.ended.isSet {
                    logger.error("the leader's work stopped; standing down so a daemon takes over afresh")
                    await leadership.resign()
                    running = nil
                    progressing = false
                }
            }
            let now = await leadership.round(progressing: progressing)
            announce(now, after: announced)
            announced = now
            if now.isLeader, running == nil {
                let progress = [LoopHeartbeat(), LoopHeartbeat()]
                let ended = Flag()
                let work = work
                let logger = logger
                running = Running(task: Task {
                    do {
                        try await work(progress[0], progress[1])
                    } catch {
                        logger.error("the leader's work failed", metadata: ["error": "\(error)"])
                    }
                    ended.set()
                }, progress: progress, ended: ended)
            } else if !now.isLeader, let current = running {
                current.task.cancel()
                await current.task.value
                running = nil
            }
            if !readySent, !now.isLeader {
                try? notifier.ready(status: "standby")
                readySent = true
            }
            if !now.isLeader || progressing || running.map({ ContinuousClock.now - ($0.progress.map(\.lastBeat).min() ?? .now) < .seconds(lease * 2 / 3) }) == true {
                heartbeat.beat()
            }
            let pause = now.isLeader ? lease / 3 : min(1, lease / 3)
            await cancelWhenGracefulShutdown { try? await Task.sleep(for: .milliseconds(Int(pause * 1000))) }
        }
        // A graceful stop lets the leader's tick and deliveries finish, then hands the lead over.
        if let current = running {
            if Task.isCancelled { current.task.cancel() }
            await current.task.value
        }
        await leadership.resign()
    }

    /// The leader's work under way, with its loops' progress and whether it has stopped.
    private struct Running {
        var task: Task<Void, Never>
        var progress: [LoopHeartbeat]
        var ended: Flag
    }

    private final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// One log line, the metric and systemd's status, when the role changes; leading again
    /// under a new epoch (the session was lost and the lock taken anew) is a change too.
    private func announce(_ now: PostgresLeadership.Role, after before: PostgresLeadership.Role?) {
        let current: DaemonRole.Current = now.isLeader ? .leader : .standby
        leaderGauge.set(now.isLeader ? 1 : 0)
        role.set(current)
        guard now.isLeader ? now != before : before?.isLeader != false else { return }
        switch now {
        case .leader(let epoch):
            logger.notice("role: leader", metadata: ["epoch": "\(epoch)"])
            try? notifier.status("leader")
        case .standby(let holder):
            logger.notice("role: standby", metadata: ["leader": "\(holder ?? "-")"])
            try? notifier.status("standby" + (holder.map { ", following \($0)" } ?? ""))
        }
    }
}
