public import Foundation
import Synchronization
public import Transport

/// A clock whose sleeps return at once and move time forward by what was asked, recording
/// each sleep, so retry and rate-limit tests run without waiting.
public final class VirtualClock: DeliveryClock {
    private let state = Mutex<(now: TimeInterval, sleeps: [TimeInterval])>((0, []))
    public let origin: Date

    public init(origin: Date = Date(timeIntervalSince1970: 1_795_000_000)) {
        self.origin = origin
    }

    public func now() -> TimeInterval { state.withLock { $0.now } }

    public func date() -> Date { origin.addingTimeInterval(now()) }

    public func sleep(for seconds: TimeInterval) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(seconds)
            state.now += max(0, seconds)
        }
    }

    public func advance(by seconds: TimeInterval) {
        state.withLock { $0.now += seconds }
    }

    public var sleeps: [TimeInterval] { state.withLock { $0.sleeps } }
}
