import Synchronization

/// Running totals of delivery outcomes, for the daemon's `/metrics`: deliveries by channel
/// and status, dead letters by channel and reason, and retries.
///
/// Every label is bounded: channel names come from the configuration, statuses and reasons
/// from closed enums.
public final class DeliveryCounters: Sendable {
    /// A copy of the totals at one moment.
    public struct Snapshot: Sendable, Equatable {
        /// Outcomes per channel and status.
        public var outcomes: [String: [DeliveryOutcome.Status: Int]] = [:]
        /// Dead letters per channel and reason.
        public var deadLetters: [String: [DeliveryError.Code: Int]] = [:]
        /// Attempts beyond the first, in all.
        public var retries = 0

        /// Dead letters of one channel, all reasons.
        public func deadLetters(of channel: String) -> Int {
            deadLetters[channel, default: [:]].values.reduce(0, +)
        }
    }

    private let totals = Mutex(Snapshot())

    public init() {}

    /// Counts one finished delivery.
    public func record(_ outcome: DeliveryOutcome) {
        totals.withLock { totals in
            totals.outcomes[outcome.channel, default: [:]][outcome.status, default: 0] += 1
            totals.retries += max(0, outcome.attempts - max(1, outcome.recipients.count))
            if outcome.status == .deadLettered {
                totals.deadLetters[outcome.channel, default: [:]][outcome.error?.code ?? .protocolError, default: 0] += 1
            }
        }
    }

    public func snapshot() -> Snapshot {
        totals.withLock { $0 }
    }
}
