public import Foundation
public import Logging
public import ServiceLifecycle
import SLAEngine
import Synchronization
public import Service

/// The daemon's main loop as a service: a tick, then sleep until the next poll or
/// threshold instant, with systemd and the metrics told as it goes.
///
/// `READY=1` goes out once the first tick's commit is done (the tick never waits on a
/// receiver); `STATUS=` after every tick. On a graceful shutdown the tick in progress
/// finishes (the service group bounds how long) and nothing new starts.
public struct TickLoop: NamedService {
    let watcher: Watcher
    let notifier: SystemdNotifier
    let heartbeat: LoopHeartbeat
    let metrics: MetricsRegistry
    let logger: Logger
    let progress: LoopProgress
    /// Put before the status line (`leader: `), for a daemon that shares its state.
    let statusPrefix: String
    /// The longest the loop sleeps or waits for polls between heartbeats; nil: as long as
    /// the next poll or threshold is away. A leader keeps it under its lease.
    let maxPause: Duration?
    /// Forgets what ended more than `retention` ago, between ticks.
    let pruner: StatePruner

    public init(
        watcher: Watcher, notifier: SystemdNotifier, heartbeat: LoopHeartbeat, metrics: MetricsRegistry,
        progress: LoopProgress, logger: Logger, statusPrefix: String = "", maxPause: Duration? = nil
    ) {
        self.statusPrefix = statusPrefix
        self.maxPause = maxPause
        self.watcher = watcher
        self.notifier = notifier
        self.heartbeat = heartbeat
        self.metrics = metrics
        self.progress = progress
        self.logger = logger
        pruner = StatePruner(metrics: metrics, logger: logger)
    }

    /// How long a tick waits for its polls: a slower one (a first export of a large
    /// helpdesk) finishes in the background and counts from the tick after, so clocks keep
    /// running, other sources keep flowing and the watchdog keeps being fed.
    public static let pollWait = Duration.seconds(20)

    public func run() async throws {
        var first = true
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let report = try await watcher.tick(at: Date(), forcePoll: first, pollWait: min(TickLoop.pollWait, maxPause ?? TickLoop.pollWait))
            heartbeat.beat()
            record(report)
            let line = statusPrefix + TickLoop.statusLine(report)
            if first {
                progress.firstTickDone(at: report.at)
                try? notifier.ready(status: line)
                first = false
            } else {
                try? notifier.status(line)
            }
            TickLoop.log(report, to: logger)
            await pruner.pruneIfDue(watcher, at: report.at)
            // Wake for the next poll or threshold, and often enough to keep the watchdog fed.
            var wait = max(0.05, (report.nextWake ?? Date() + 60).timeIntervalSinceNow)
            if let ping = notifier.watchdogPingInterval {
                wait = min(wait, ping.seconds)
            }
            if let maxPause {
                wait = min(wait, maxPause.seconds)
            }
            let pause = Duration.milliseconds(Int(wait * 1000))
            // A poll still running in the background wakes the loop when it ends, so its
            // tickets count at once rather than at the next poll or threshold.
            let pollsRunning = !report.pollsRunning.isEmpty
            await cancelWhenGracefulShutdown {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await Task.sleep(for: pause) }
                    if pollsRunning { group.addTask { await watcher.runningPollFinished() } }
                    group.addTask { await watcher.nudged() }
                    await group.next()
                    group.cancelAll()
                }
            }
        }
    }

    /// The `tick` log line: counts, the next wake, and the seconds of each phase.
    public static func log(_ report: TickReport, to logger: Logger) {
        logger.info("tick", metadata: [
            "tickets": "\(report.tickets)", "clocks": "\(report.clocks)", "breached": "\(report.breached)",
            "intents": "\(report.intents)", "enqueued": "\(report.enqueued)", "silenced": "\(report.silenced)",
            "outbox": "\(report.outboxPending)",
            "next_wake": "\(report.nextWake.map { Timestamp($0).description } ?? "-")",
            "phases": "\(report.phases.map { "\($0.phase)=" + String(format: "%.3f", $0.seconds) }.joined(separator: " "))",
            "polls_running": "\(report.pollsRunning.joined(separator: ","))",
        ])
    }

    /// One line for `systemctl status`: open tickets, at risk, breached, outbox depth.
    static func statusLine(_ report: TickReport) -> String {
        "\(report.tickets) tickets, \(report.atRisk) at risk, \(report.breached) breached, \(report.outboxPending) in outbox"
    }

    private func record(_ report: TickReport) {
        metrics.tickets.set(report.tickets)
        for state in MetricsRegistry.ClockStateLabel.allCases {
            metrics.clocks.set(state: state, to: report.clockStates[ClockState(rawValue: state.rawValue) ?? .running] ?? 0)
        }
        for (kind, count) in report.crossings {
            if let kind = MetricsRegistry.CrossingKind(rawValue: kind) { metrics.thresholdCrossings.increment(kind: kind, by: count) }
        }
        for (risk, count) in report.risks {
            if let risk = MetricsRegistry.RiskLabel(rawValue: risk) { metrics.risks.increment(risk: risk, by: count) }
        }
        for (by, count) in report.surges {
            if let by = MetricsRegistry.SurgeLabel(rawValue: by) { metrics.surges.increment(by: by, count: count) }
        }
        for (source, seconds) in report.pollDurations { metrics.pollLatency.set(source: source, seconds: seconds) }
        for source in report.pollErrors { metrics.pollErrors.increment(source: source) }
        metrics.outboxDepth.set(report.outboxPending)
        metrics.lastTick.set(report.at)
    }
}

/// What the status server reads about the loop: when the first tick finished.
public final class LoopProgress: Sendable {
    private let first = Mutex<Date?>(nil)

    public init() {}

    func firstTickDone(at date: Date) {
        first.withLock { if $0 == nil { $0 = date } }
    }

    public var firstTickAt: Date? { first.withLock { $0 } }
}
