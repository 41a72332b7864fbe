public import Foundation
public import Transport

/// The clock of a replay (`run --once --at`): the wall clock stands at the chosen instant,
/// so what is recorded carries it; intervals still pass in real time.
public struct ReplayClock: DeliveryClock {
    public let instant: Date
    private let real = SystemDeliveryClock()

    public init(instant: Date) {
        self.instant = instant
    }

    public func now() -> TimeInterval { real.now() }
    public func date() -> Date { instant }
    public func sleep(for seconds: TimeInterval) async throws { try await real.sleep(for: seconds) }
}
