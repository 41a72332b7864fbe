public import Delivery
import Synchronization

/// How attempts hand their ends to the dispatcher: into one list under a lock, so a busy
/// lane's ends are finished together in one turn of the actor instead of one turn each.
extension OutboxDispatcher {
    /// An attempt's end, handed over by the attempt itself.
    struct AttemptEnd: Sendable {
        var number: Int
        var entry: DeliverySchedule.Entry
        var outcome: DeliveryOutcome?
    }

    /// Puts an attempt's end with the others waiting to be finished; true when it is the
    /// first, and so the one that must take a turn on the actor to finish them all.
    nonisolated func handOver(_ end: AttemptEnd) -> Bool {
        ended.withLock { ends in
            ends.append(end)
            return ends.count == 1
        }
    }
}
