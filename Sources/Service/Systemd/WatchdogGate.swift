/// Decides when a `WATCHDOG=1` ping is due, from when the poll loop last made progress.
///
/// systemd restarts the service when no ping arrives within `WatchdogSec=`. Pinging from
/// a timer alone would keep a hung daemon alive, so the gate withholds pings once the
/// loop has made no progress for a whole `interval`; systemd then sees the silence and
/// restarts the daemon at most one more `interval` later.
///
/// Pure: it reads no clock. The loop must mark progress (see `LoopHeartbeat`) at least
/// once per `interval` while healthy, idle included: cap each sleep at `pingInterval`,
/// and mark progress after each step that finishes (a source polled, a batch delivered),
/// so a slow but moving tick is not taken for a stuck one.
public struct WatchdogGate: Sendable, Hashable {
    /// What to do now.
    public enum Decision: Sendable, Hashable {
        /// Send `WATCHDOG=1` now.
        case ping
        /// Nothing is due before this instant; ask again then.
        case wait(until: ContinuousClock.Instant)
        /// The loop has made no progress for `stalledFor` (at least `interval`): send nothing.
        case withhold(stalledFor: Duration)
    }

    /// `WatchdogSec=`: the longest silence systemd tolerates.
    public let interval: Duration

    /// Creates a gate for a watchdog interval (`SystemdNotifier.watchdogInterval`).
    public init(interval: Duration) {
        self.interval = interval
    }

    /// The ping cadence, half the interval, as `sd_watchdog_enabled(3)` advises; also the
    /// longest a healthy loop should go without marking progress.
    public var pingInterval: Duration { interval / 2 }

    /// Whether to ping at `now`.
    ///
    /// - Parameters:
    ///   - now: the current instant.
    ///   - lastProgress: the last instant the poll loop made progress.
    ///   - lastPing: the last `WATCHDOG=1` sent; nil before the first.
    public func decide(
        now: ContinuousClock.Instant, lastProgress: ContinuousClock.Instant, lastPing: ContinuousClock.Instant?
    ) -> Decision {
        let stalled = lastProgress.duration(to: now)
        if stalled >= interval {
            return .withhold(stalledFor: stalled)
        }
        guard let lastPing, lastPing.duration(to: now) < pingInterval else {
            return .ping
        }
        return .wait(until: min(lastPing + pingInterval, lastProgress + interval))
    }
}
