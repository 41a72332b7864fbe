import Foundation
import Synchronization

/// Counts refused requests per address over a sliding minute: past `limit` failures an
/// address is answered 429 until its failures age out, so a link cannot be forged by trying.
final class FailureLimiter: Sendable {
    let limit: Int
    let window: TimeInterval
    private let failures = Mutex<[String: [Date]]>([:])

    init(limit: Int = 20, window: TimeInterval = 60) {
        self.limit = limit
        self.window = window
    }

    /// True when `address` has failed more than `limit` times in the last window.
    func isLimited(_ address: String, at now: Date) -> Bool {
        failures.withLock { failures in
            let recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
            failures[address] = recent.isEmpty ? nil : recent
            return recent.count > limit
        }
    }

    /// Counts one failure of `address`.
    func fail(_ address: String, at now: Date) {
        failures.withLock { failures in
            var recent = (failures[address] ?? []).filter { now.timeIntervalSince($0) < window }
            recent.append(now)
            // Bounded: an address never keeps more than the limit's worth of entries beyond it.
            if recent.count > limit + 1 { recent.removeFirst(recent.count - limit - 1) }
            failures[address] = recent
            if failures.count > 10_000 { failures = failures.filter { !$0.value.isEmpty && now.timeIntervalSince($0.value.last!) < window } }
        }
    }
}
