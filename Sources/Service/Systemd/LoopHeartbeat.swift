import Synchronization

/// The poll loop's last sign of progress, shared by the loop, which marks it, and the
/// `WatchdogService`, which reads it.
///
/// One instant behind a lock; cheap enough to mark after every step of a tick.
public final class LoopHeartbeat: Sendable {
    private let last: Mutex<ContinuousClock.Instant>

    /// Starts with progress marked at `now`, so the daemon has a whole watchdog interval
    /// to finish its first tick.
    public init(now: ContinuousClock.Instant = .now) {
        last = Mutex(now)
    }

    /// Marks progress. An instant earlier than the one already marked is ignored.
    public func beat(at instant: ContinuousClock.Instant = .now) {
        last.withLock { $0 = max($0, instant) }
    }

    /// The last instant progress was marked.
    public var lastBeat: ContinuousClock.Instant {
        last.withLock { $0 }
    }
}
