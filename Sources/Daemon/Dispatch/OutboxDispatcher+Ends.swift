public import Delivery
import SLAEngine
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

    /// Starts one attempt at `run` (one message, or a run of one channel's), detached: it
    /// starts on the pool at once, not after a turn on this actor. Its ends go to `ended`;
    /// only the attempt that finds that list empty takes a turn here to finish them.
    func attempt(_ run: [(entry: DeliverySchedule.Entry, message: OutboundMessage)], on notifier: (any Notifier)?) {
        attemptsStarted += 1
        let number = attemptsStarted
        attempts[number] = Task.detached(priority: OutboxDispatcher.attemptPriority) { [self] in
            var outcomes: [DeliveryOutcome?]
            if let notifier {
                outcomes = run.count == 1 ? [await notifier.deliver(run[0].message)] : await notifier.deliver(run.map(\.message))
            } else {
                outcomes = Array(repeating: nil, count: run.count)
            }
            // A run the notifier answered only in part: the rest failed, to be tried again.
            for index in outcomes.count..<max(run.count, outcomes.count) {
                let message = run[index].message
                outcomes.append(DeliveryOutcome(
                    key: message.key, channel: message.channel, kind: notifier?.kind ?? .log, status: .failed, attempts: 1,
                    error: DeliveryError(code: .protocolError, recoverable: true, message: "the attempt gave no outcome")))
            }
            let ends = run.indices.map { AttemptEnd(number: number, entry: run[$0].entry, outcome: outcomes[$0]) }
            if handOver(ends) { await finishEnded() }
        }
    }

    /// An attempt's end, handed over by the attempt itself.
    struct AttemptEnd: Sendable {
        var number: Int
        var entry: DeliverySchedule.Entry
        var outcome: DeliveryOutcome?
    }

    /// Puts an attempt's ends with the others waiting to be finished; true when they are the
    /// first, and so the attempt must take a turn on the actor to finish them all.
    nonisolated func handOver(_ ends: [AttemptEnd]) -> Bool {
        ended.withLock { waiting in
            let first = waiting.isEmpty
            waiting.append(contentsOf: ends)
            return first
        }
    }
}
