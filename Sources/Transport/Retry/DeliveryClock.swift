public import Foundation

/// The time source of delivery: what notifiers, the rate limiter and backoff read and sleep
/// on, so tests can run them on a virtual clock without waiting.
public protocol DeliveryClock: Sendable {
    /// Seconds on a monotonic scale: only differences mean anything.
    func now() -> TimeInterval
    /// The wall-clock time, for webhook timestamps and mail `Date` headers.
    func date() -> Date
    /// Suspends for `seconds`; throws `CancellationError` when the task is cancelled.
    func sleep(for seconds: TimeInterval) async throws
}

/// The real clock: `ContinuousClock` for intervals and sleeping, `Date()` for the wall.
public struct SystemDeliveryClock: DeliveryClock {
    private static let origin = ContinuousClock.now

    public init() {}

    public func now() -> TimeInterval {
        (ContinuousClock.now - SystemDeliveryClock.origin).seconds
    }

    public func date() -> Date {
        Date()
    }

    public func sleep(for seconds: TimeInterval) async throws {
        guard seconds > 0 else { return try Task.checkCancellation() }
        try await Task.sleep(for: .nanoseconds(Int64(min(seconds, 86_400) * 1e9)))
    }
}
