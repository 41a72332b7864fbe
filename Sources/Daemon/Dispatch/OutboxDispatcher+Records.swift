import Delivery
import Foundation
import SLAEngine
import StateStore

/// How the dispatcher writes what its attempts ended with: in batches, one write at a time,
/// each lane's ends counted until written (`awaitingRecord`).
extension OutboxDispatcher {
    /// Starts writing what ended meanwhile, unless a write is under way: whatever ends during
    /// a write goes in the next, so a busy lane is recorded in batches, a quiet one at once.
    func recordLater() {
        guard !recording, !unrecorded.isEmpty || !outageChanges.isEmpty else { return }
        recording = true
        let batch = unrecorded, channels = unrecordedChannels, outages = outageChanges
        unrecorded.removeAll(keepingCapacity: true)
        unrecordedChannels.removeAll(keepingCapacity: true)
        outageChanges.removeAll()
        let store = store
        Task.detached { [self] in
            let failure: StateStoreError?
            // Untyped: see `StateStoreError.caught`.
            do {
                try await store.record(batch, outages: outages)
                failure = nil
            } catch {
                failure = StateStoreError.caught(error)
            }
            await recorded(batch, channels, outages, failure)
        }
    }

    private func recorded(
        _ batch: [AttemptRecord], _ channels: [String], _ outages: [String: ChannelOutage?], _ failure: StateStoreError?
    ) {
        recording = false
        failedRecordWrites = failure == nil ? 0 : failedRecordWrites + 1
        if let failure {
            // Kept and written with the next batch; until then a restart would try them again.
            logger.error("cannot record deliveries", metadata: ["error": "\(failure)", "count": "\(batch.count)"])
            unrecorded.insert(contentsOf: batch, at: 0)
            unrecordedChannels.insert(contentsOf: channels, at: 0)
            outageChanges.merge(outages) { newer, _ in newer }
        } else {
            for channel in channels { awaitingRecord[channel]? -= 1 }
            // A lane that waited for these records may start its next run. What ended during
            // this write is written at the run loop's next turn, or the drain's.
            pump()
        }
        doorbell.ring()
    }

    /// Waits until every attempt that ended is recorded, or writing has failed a few times
    /// (then a restart tries those messages again).
    func recordNow() async {
        var tries = 0
        while recording || !unrecorded.isEmpty || !outageChanges.isEmpty, tries < 100 {
            if !recording { tries += 1 }
            recordLater()
            await doorbell.wait(atMost: 0.05)
        }
    }
}
