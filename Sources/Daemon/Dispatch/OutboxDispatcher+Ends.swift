public import Delivery
import Synchronization

/// How attempts run and hand their ends to the dispatcher: into one list under a lock, so a
/// busy lane's ends are finished together in one turn of the actor instead of one turn each.
extension OutboxDispatcher {
    /// The priority attempts run at: above the tick's. A large tick words its parts on every
    /// thread of the default pool while the parts before are already committed and handed
    /// over; attempts at the same priority waited behind that wording, so delivery began only
    /// as the tick ended (20,000 webhook messages: the curl thread idle until then, a third of
    /// both cores unused; 91,079 customer notices: more waiting than the lane holds bodies
    /// for, read back after the tick, the last one out 13.6 s after the tick began instead
    /// of 4.7 s). On Linux each priority has threads of its own, so attempts now run beside
    /// the wording, sharing the cores with it.
    static let attemptPriority = TaskPriority.high

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
