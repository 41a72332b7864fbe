import Foundation
import SLAEngine
import Synchronization

extension TickCommit {
    /// The key of the message carrying intent `position`; nil when none does yet (held).
    func messageKey(at position: Int) -> String? {
        position < messageKeys.count ? messageKeys[position] : nil
    }

    /// How intent `position` is recorded: skipped, silenced (a silence mutes it, and it
    /// counts as fired), held (no message carries it yet), or queued.
    func status(at position: Int) -> String {
        let intent = intents[position]
        return intent.kind == .skipped ? "skipped" : intent.isMuted ? "silenced" : messageKey(at: position) == nil ? "held" : "queued"
    }

    /// The ladder history's record of intent `position` as this commit records it.
    func ladderRecord(at position: Int) -> LadderRecord {
        let intent = intents[position]
        return LadderRecord(
            step: intent.step, channel: intent.channel, kind: intent.kind, isHeld: status(at: position) == "held",
            isSilenced: intent.isMuted, role: intent.role)
    }
}

extension StateStore {
    /// A commit's intents in the order SQLite takes them best: by clock key, then step and
    /// channel, as an id reads. SQLite then appends to its index instead of inserting all
    /// over it, which halves the cost of a large catch-up. Positions are sorted, not
    /// intents, and intents are read in place.
    struct SortedIntents: Sendable {
        /// By position in the commit.
        let clockKeys: [String]
        /// Positions in the commit, in key order.
        let order: [Int]

        init(_ tick: TickCommit) {
            var clockKeys: [String] = []
            clockKeys.reserveCapacity(tick.intents.count)
            for intent in tick.intents { clockKeys.append(intent.clockKey) }
            order = tick.intents.withUnsafeBufferPointer { intents in
                clockKeys.indices.sorted { a, b in
                    guard clockKeys[a] == clockKeys[b] else { return clockKeys[a] < clockKeys[b] }
                    return "\(intents[a].step)@\(intents[a].channel ?? "-")" < "\(intents[b].step)@\(intents[b].channel ?? "-")"
                }
            }
            self.clockKeys = clockKeys
        }
    }

    /// The cached ladder history taking a commit's new intents on another core, while
    /// SQLite writes them on the store's writer. The history is updated in place: the
    /// cache gave it up for the time (`Cache.takeLadder`), so nothing else holds it.
    final class LadderUpdate: Sendable {
        private let history: Mutex<LadderHistory?>
        private let done = DispatchGroup()

        init(taking history: consuming LadderHistory?, adding intents: SortedIntents, of tick: TickCommit) {
            self.history = Mutex(history)
            guard !intents.order.isEmpty else { return }
            done.enter()
            DispatchQueue.global().async { [self] in
                self.history.withLock { history in
                    guard history != nil else { return }
                    history!.reserveCapacity(
                        clocks: history!.count + intents.order.count, records: history!.recordCount + intents.order.count)
                    for position in intents.order { history!.record(tick.ladderRecord(at: position), for: intents.clockKeys[position]) }
                }
                done.leave()
            }
        }

        /// The history with the commit's intents, once they are all in.
        func wait() -> LadderHistory? {
            done.wait()
            return history.withLock { $0.take() }
        }
    }
}
