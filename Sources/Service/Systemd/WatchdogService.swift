public import Logging
public import ServiceLifecycle

/// Sends systemd's `WATCHDOG=1` pings while every loop it watches makes progress, as a
/// swift-service-lifecycle `Service`.
///
/// It pings at half of `WatchdogSec=` and stops pinging once any of `heartbeats` has not
/// been marked for a whole interval (`WatchdogGate`), so systemd restarts a stuck daemon
/// instead of a timer keeping it alive. It logs the stall once, and resumes pinging if
/// the loop recovers before systemd acts. It ends on graceful shutdown or cancellation.
///
/// The initializer returns nil when the watchdog is off (`WATCHDOG_USEC` unset, or meant
/// for another process): add the service to the group only when there is one, since a
/// service that returns at once would end the whole group.
///
/// ```swift
/// let heartbeat = LoopHeartbeat()
/// if let watchdog = WatchdogService(notifier: notifier, heartbeats: [heartbeat], logger: logger) {
///     services.append(watchdog)
/// }
/// // The poll loop: heartbeat.beat() after each source polled and each delivery batch,
/// // and no sleep longer than watchdog.gate.pingInterval between beats.
/// ```
public struct WatchdogService: NamedService {
    /// Where the pings go.
    public let notifier: SystemdNotifier
    /// The loops' progress marks (the tick loop's, the dispatcher's): the oldest counts.
    public let heartbeats: [LoopHeartbeat]
    /// The policy: when to ping, when to withhold.
    public let gate: WatchdogGate
    private let logger: Logger

    /// A watchdog for `notifier.watchdogInterval`; nil when that is nil.
    public init?(notifier: SystemdNotifier, heartbeats: [LoopHeartbeat], logger: Logger) {
        guard let interval = notifier.watchdogInterval else { return nil }
        self.notifier = notifier
        self.heartbeats = heartbeats
        self.gate = WatchdogGate(interval: interval)
        self.logger = logger
    }

    public func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await self.pingWhileProgressing() }
        } catch is CancellationError {
            return
        }
    }

    private func pingWhileProgressing() async throws {
        var lastPing: ContinuousClock.Instant?
        var stallReported = false
        var failureReported = false
        while !Task.isCancelled {
            let now = ContinuousClock.now
            switch gate.decide(now: now, lastProgress: heartbeats.map(\.lastBeat).min() ?? now, lastPing: lastPing) {
            case .ping:
                do {
                    try notifier.watchdog()
                    failureReported = false
                } catch {
                    if !failureReported {
                        logger.error("cannot ping the systemd watchdog", metadata: ["error": "\(error)"])
                        failureReported = true
                    }
                }
                if stallReported {
                    logger.notice("the poll loop is making progress again; watchdog pings resumed")
                    stallReported = false
                }
                lastPing = now
            case .wait(let until):
                try await Task.sleep(until: until, clock: .continuous)
            case .withhold(let stalled):
                if !stallReported {
                    logger.critical(
                        "the poll loop has made no progress; withholding watchdog pings so systemd restarts slawatch",
                        metadata: ["stalled_seconds": "\(Self.seconds(stalled))", "watchdog_seconds": "\(Self.seconds(gate.interval))"]
                    )
                    stallReported = true
                }
                try await Task.sleep(for: gate.pingInterval / 4)
            }
        }
    }

    /// Seconds with up to three decimals, for log metadata.
    private static func seconds(_ duration: Duration) -> String {
        let parts = duration.components
        let millis = parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
        return millis % 1000 == 0 ? "\(millis / 1000)" : "\(Double(millis) / 1000)"
    }
}
