import Foundation
import Logging
import Synchronization
import Testing
@testable import Daemon
import SLAConfig
import SLAEngine
import StateStore

/// The WAL is copied back once the outbox is empty, not while a burst is being delivered
/// (the copy holds the store's writer, and every attempt's record waits behind it); an
/// outbox that stays full defers it `Watcher.checkpointPatience` ticks at most.
@Suite struct CheckpointTests {
    /// The state, counting the copies asked for.
    final class Counting: NotificationLog {
        let base: StateStore
        let checkpoints = Mutex(0)

        init(_ base: StateStore) { self.base = base }

        func ladderHistory() throws(StateStoreError) -> LadderHistory { try base.ladderHistory() }
        func heldIntents(dueBy now: Date) throws(StateStoreError) -> [Intent] { try base.heldIntents(dueBy: now) }
        func rescheduleHeld(_ releases: [String: Date]) throws(StateStoreError) -> Int { try base.rescheduleHeld(releases) }
        func breachCounts(since: Date) throws(StateStoreError) -> BreachCounts { try base.breachCounts(since: since) }
        func recordBreaches(_ breaches: [BreachRecord]) async throws(StateStoreError) { try await base.recordBreaches(breaches) }
        func observe(_ tickets: [Ticket], source: String, at: Date) throws(StateStoreError) -> [String: [TicketEvent]] {
            try base.observe(tickets, source: source, at: at)
        }
        func commit(_ tick: TickCommit) throws(StateStoreError) -> Committed { try base.commit(tick) }
        func surgeState(sinceHour hour: Int64) throws(StateStoreError) -> SurgeState { try base.surgeState(sinceHour: hour) }
        func nextHeldRelease() throws(StateStoreError) -> Date? { try base.nextHeldRelease() }
        func outboxDepth() throws(StateStoreError) -> OutboxDepth { try base.outboxDepth() }
        func checkpointLater() {
            checkpoints.withLock { $0 += 1 }
            base.checkpointLater()
        }
        func clockHolds() throws(StateStoreError) -> [String: ClockHold] { try base.clockHolds() }
    }

    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-checkpoint-\(UUID())")
    let start = Timestamp(rfc3339: "2026-11-20T12:00:00Z")!.date

    @Test func theWALIsCopiedBackOnceTheOutboxIsEmptyOrAfterTenTicks() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"[{"id": "T1", "status": "open", "customer": {"id": "c"}, "created_at": "2026-11-20T11:00:00Z"}]"#.write(
            to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        // One ticket breached on the first tick, its ping to a `log` channel.
        let configuration = try Configuration.parse(yaml: OutcomeRecordingTests.yaml, file: "slawatch.yaml", baseDirectory: directory.path)
        let base = try StateStore(path: configuration.state)
        let store = Counting(base)
        let source = configuration.sources[0]
        // No dispatcher: what a tick commits stays in the outbox until recorded here.
        let watcher = Watcher(
            configuration: configuration, templates: try MessageTemplates(directory: nil), store: store,
            sources: [Watcher.Source(config: source, reader: try source.reader(secrets: nil, transport: nil, cursors: base))],
            dispatcher: nil, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        // The breach ping is committed and waits: no copy for ten ticks, then one.
        for minute in 0..<Watcher.checkpointPatience {
            let report = try await watcher.tick(at: start + Double(minute) * 60)
            #expect(report.outboxPending == 1)
            #expect(store.checkpoints.withLock { $0 } == 0, "tick \(minute)")
        }
        _ = try await watcher.tick(at: start + 600)
        #expect(store.checkpoints.withLock { $0 } == 1)
        _ = try await watcher.tick(at: start + 660)
        #expect(store.checkpoints.withLock { $0 } == 1)
        // Delivered: the next tick ends with an empty outbox and copies the WAL back, every time.
        let pending = try await base.pendingKeys()
        #expect(pending.count == 1)
        try base.record(pending.map { AttemptRecord(key: $0.key, at: start + 700, result: .delivered(detail: nil)) })
        _ = try await watcher.tick(at: start + 720)
        _ = try await watcher.tick(at: start + 780)
        #expect(store.checkpoints.withLock { $0 } == 3)
    }
}
