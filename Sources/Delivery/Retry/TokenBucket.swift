public import Foundation

/// A token bucket that queues instead of dropping: each `reserve(at:)` takes the next free
/// send slot and says how long to wait for it.
///
/// Kept as the equivalent "theoretical arrival time" (GCRA) so it needs no timer: up to
/// `rate.count` sends go at once after a quiet spell, then one every `period / count`
/// seconds, in the order they reserved. `hold(until:)` pushes every slot past an instant,
/// for a receiver that answered 429 with a wait. Pure; time is a parameter, in seconds on
/// any monotonic scale.
public struct TokenBucket: Sendable, Hashable {
    public let rate: SendRate
    /// The slot after the last one handed out, as if every send took `interval` seconds.
    private var nextFree: TimeInterval
    private var heldUntil: TimeInterval

    public init(rate: SendRate) {
        self.rate = rate
        nextFree = -.infinity
        heldUntil = -.infinity
    }

    /// Seconds between sends at the steady rate.
    public var interval: TimeInterval { rate.period / Double(rate.count) }

    /// Takes the next slot; returns the seconds from `now` until it (0 for at once).
    public mutating func reserve(at now: TimeInterval) -> TimeInterval {
        let burst = interval * Double(rate.count - 1)
        let earliest = max(now, heldUntil)
        let slot = max(earliest, nextFree - burst)
        nextFree = max(nextFree, earliest) + interval
        return slot - now
    }

    /// No slot before `instant`; later reservations queue behind it.
    public mutating func hold(until instant: TimeInterval) {
        heldUntil = max(heldUntil, instant)
        nextFree = max(nextFree, instant + interval * Double(rate.count - 1))
    }
}
