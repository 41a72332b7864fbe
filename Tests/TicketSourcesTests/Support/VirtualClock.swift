import Delivery
import Foundation
import Synchronization

/// A clock whose sleeps return at once and move time forward by what was asked, recording
/// each sleep, so retry and rate-limit tests run without waiting.
final class VirtualClock: DeliveryClock {
    private let state = Mutex<(now: TimeInterval, sleeps: [TimeInterval])>((0, []))
    let origin: Date

    init(origin: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        self.origin = origin
    }

    func now() -> TimeInterval { state.withLock { $0.now } }

    func date() -> Date { origin.addingTimeInterval(now()) }

    func sleep(for seconds: TimeInterval) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(seconds)
            state.now += max(0, seconds)
        }
    }

    func advance(by seconds: TimeInterval) {
        state.withLock { $0.now += seconds }
    }

    var sleeps: [TimeInterval] { state.withLock { $0.sleeps } }
}
