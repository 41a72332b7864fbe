public import Foundation
import Synchronization
public import Transport

/// A channel's send queue: callers wait their turn under the channel's `SendRate` instead of
/// being dropped, and all wait after a 429 told one of them to.
///
/// Order is the order of `acquire()` calls. A caller cancelled while waiting gives up its slot
/// without handing it on, so the rate can only come out lower, never higher.
public final class RateLimiter: Sendable {
    private let bucket: Mutex<TokenBucket?>
    private let held = Mutex<TimeInterval>(-.infinity)
    private let clock: any DeliveryClock

    /// `rate` nil sends at once, except while held after a 429.
    public init(rate: SendRate?, clock: any DeliveryClock) {
        bucket = Mutex(rate.map(TokenBucket.init(rate:)))
        self.clock = clock
    }

    /// Waits for the next slot.
    public func acquire() async throws {
        let now = clock.now()
        let heldUntil = held.withLock { $0 }
        let wait = bucket.withLock { bucket -> TimeInterval in
            guard var current = bucket else { return max(0, heldUntil - now) }
            let seconds = current.reserve(at: now)
            bucket = current
            return seconds
        }
        if wait > 0 { try await clock.sleep(for: wait) } else { try Task.checkCancellation() }
    }

    /// Makes every caller wait `seconds` from now: the receiver said so.
    public func hold(for seconds: TimeInterval) {
        let until = clock.now() + seconds
        held.withLock { $0 = max($0, until) }
        bucket.withLock { bucket in
            guard var current = bucket else { return }
            current.hold(until: until)
            bucket = current
        }
    }
}
