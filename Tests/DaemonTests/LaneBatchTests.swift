import Delivery
import Foundation
import Logging
import SLAEngine
import Synchronization
import StateStore
import Testing
@testable import Daemon

/// A lane whose attempts carry a run of messages (a `log` file's lines in one write) makes
/// one attempt at a time, of whatever is due by then, up to its bound.
@Suite struct LaneBatchTests {
    let t0 = DeliveryScheduleTests.t0

    func schedule(_ messages: Int) -> DeliverySchedule {
        var schedule = DeliverySchedule(limits: ["leads": 1, "hooks": 4])
        schedule.batches = ["leads": 8]
        for n in 0..<messages { schedule.add(DeliveryScheduleTests.message("l\(n)", "leads"), due: t0) }
        return schedule
    }

    @Test func anIdleLaneTakesARunUpToItsBoundAndNothingMoreUntilItEnds() {
        var schedule = schedule(20)
        schedule.add(DeliveryScheduleTests.message("h0", "hooks"), due: t0)
        let first = schedule.take(now: t0)
        #expect(first.filter { $0.channel == "leads" }.map(\.key) == (0..<8).map { "l\($0)" })
        // Another lane is bounded as before.
        #expect(first.filter { $0.channel == "hooks" }.count == 1)
        // While the run is in flight, even one message of it still out, nothing more starts.
        for entry in first.filter({ $0.channel == "leads" }).dropLast() {
            _ = schedule.finish(entry, DeliveryScheduleTests.outcome(entry, .delivered), at: t0, random: 0.5)
        }
        #expect(schedule.take(now: t0).isEmpty)
        #expect(schedule.nextDue() == nil)
        _ = schedule.finish(first[7], DeliveryScheduleTests.outcome(first[7], .delivered), at: t0, random: 0.5)
        #expect(schedule.nextDue() == t0)
        #expect(schedule.take(now: t0).map(\.key) == (8..<16).map { "l\($0)" })
    }

    @Test func aLaneThatOnlyProbesSendsOneMessageAtATime() {
        var schedule = schedule(20)
        let refused = DeliveryError(code: .connection, recoverable: true, message: "refused")
        var now = t0
        // Three failed runs in a row: the lane probes from then on.
        for _ in 0..<DeliverySchedule.probeAfter {
            let run = schedule.take(now: now)
            #expect(!run.isEmpty)
            for entry in run {
                _ = schedule.finish(entry, DeliveryScheduleTests.outcome(entry, .failed, refused), at: now, random: 0.5)
            }
            now += 3600
        }
        #expect(schedule.take(now: now).count == 1)
    }
}

/// A notifier that takes runs of messages, remembers each run, and answers each message as told.
final class RunNotifier: Notifier {
    let channel: String
    var kind: ChannelKind { .log }
    let messagesPerAttempt: Int
    private let answer: @Sendable ([OutboundMessage]) -> [DeliveryOutcome.Status]
    let runs = Mutex<[[String]]>([])

    init(_ channel: String, perAttempt: Int, answer: @escaping @Sendable ([OutboundMessage]) -> [DeliveryOutcome.Status]) {
        self.channel = channel
        messagesPerAttempt = perAttempt
        self.answer = answer
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        await deliver([message])[0]
    }

    func deliver(_ messages: [OutboundMessage]) async -> [DeliveryOutcome] {
        runs.withLock { $0.append(messages.map(\.key)) }
        return zip(messages, answer(messages)).map { message, status in
            let error = status == .failed ? DeliveryError(code: .connection, recoverable: true, message: "refused") : nil
            return DeliveryOutcome(key: message.key, channel: channel, kind: .log, status: status, attempts: 1, error: error)
        }
    }
}

extension LaneBatchTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })

    func dispatcher(_ notifier: any Notifier, _ store: MemoryOutbox) -> OutboxDispatcher {
        OutboxDispatcher(
            store: store, notifiers: [notifier.channel: notifier], opsChannel: nil, templates: OutboxDispatcherTests.templates, logger: Self.logger)
    }

    @Test func theDispatcherSendsALanesMessagesInRunsInTheirOrder() async throws {
        let store = MemoryOutbox()
        let leads = RunNotifier("leads", perAttempt: 8) { $0.map { _ in .delivered } }
        let dispatcher = dispatcher(leads, store)
        await dispatcher.submit((0..<50).map { OutboxDispatcherTests.message("l\($0)", "leads") }, claimed: true)
        await dispatcher.drain()
        let runs = leads.runs.withLock { $0 }
        // Each run starts as the one before ends, with all it may carry.
        #expect(runs.map(\.count) == [8, 8, 8, 8, 8, 8, 2])
        #expect(runs.flatMap { $0 } == (0..<50).map { "l\($0)" })
        #expect(store.records.count == 50)
        #expect(store.records.allSatisfy { $0.result == .delivered(detail: nil) })
    }

    /// A run starts only once the run before is recorded: a `log` lane writing on while its
    /// records waited behind a large tick's commits wrote thousands of lines a crash then
    /// wrote again.
    @Test func aRunWaitsForTheRecordOfTheRunBefore() async throws {
        let store = SlowRecords(MemoryOutbox())
        let recordedAtEachRun = Mutex<[Int]>([])
        let leads = RunNotifier("leads", perAttempt: 8) { messages in
            recordedAtEachRun.withLock { $0.append(store.base.records.count) }
            return messages.map { _ in .delivered }
        }
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: ["leads": leads], opsChannel: nil, templates: OutboxDispatcherTests.templates, logger: Self.logger)
        await dispatcher.submit((0..<30).map { OutboxDispatcherTests.message("l\($0)", "leads") }, claimed: true)
        await dispatcher.drain()
        // Each run found every message of the runs before it on record; all were tried.
        #expect(recordedAtEachRun.withLock { $0 } == [0, 8, 16, 24])
        #expect(store.base.records.count == 30)
    }

    /// A drain (`run --once`) has no run loop to start the write of what ended during a
    /// write: a lane whose run ended then waited for records nobody wrote, and the drain
    /// ended with its later runs unsent (256 of 300 customer notices, once in five runs).
    @Test func aDrainWritesWhatEndedDuringAWriteAndSendsTheLaneOn() async throws {
        let store = SlowRecords(MemoryOutbox())
        let team = RunNotifier("team", perAttempt: 8) { messages in messages.map { _ in .delivered } }
        // Ends while the team's record (30 ms) is being written.
        let customers = RunNotifier("customers", perAttempt: 8) { messages in
            usleep(10_000)
            return messages.map { _ in .delivered }
        }
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: ["team": team, "customers": customers], opsChannel: nil,
            templates: OutboxDispatcherTests.templates, logger: Self.logger)
        await dispatcher.submit(
            (0..<8).map { OutboxDispatcherTests.message("t\($0)", "team") }
                + (0..<24).map { OutboxDispatcherTests.message("c\($0)", "customers") },
            claimed: true)
        await dispatcher.drain()
        #expect(customers.runs.withLock { $0.count } == 3)
        #expect(store.base.records.count == 32)
    }

    /// Each message of a run has its own outcome: one the receiver refused is retried alone,
    /// and one the notifier gave no outcome for is retried too, never lost.
    @Test func eachMessageOfARunEndsOnItsOwn() async throws {
        let store = MemoryOutbox()
        let leads = RunNotifier("leads", perAttempt: 8) { messages in
            // The second refused; the last given no outcome at all.
            messages.dropLast().map { $0.key == "l1" ? .failed : .delivered }
        }
        let dispatcher = dispatcher(leads, store)
        await dispatcher.submit((0..<4).map { OutboxDispatcherTests.message("l\($0)", "leads") }, claimed: true)
        await dispatcher.drain()
        #expect(leads.runs.withLock { $0 } == [["l0", "l1", "l2", "l3"]])
        let results = Dictionary(uniqueKeysWithValues: store.records.map { ($0.key, $0.result) })
        #expect(results["l0"] == .delivered(detail: nil) && results["l2"] == .delivered(detail: nil))
        guard case .retry(_, "connection", _)? = results["l1"], case .retry(_, _, let why)? = results["l3"] else {
            Issue.record("not retried: \(results)")
            return
        }
        #expect(why == "protocol: the attempt gave no outcome")
    }
}

/// An outbox whose writes of attempt records take a while, as SQLite's do behind a large
/// tick's commits.
final class SlowRecords: OutboxStore {
    let base: MemoryOutbox
    init(_ base: MemoryOutbox) { self.base = base }
    func pendingMessages() async throws(StateStoreError) -> [PendingMessage] { base.pendingMessages() }
    func pendingKeys() async throws(StateStoreError) -> [PendingKey] { try await base.pendingKeys() }
    func enqueue(_ messages: [OutboundMessage]) async throws(StateStoreError) { base.enqueue(messages) }
    func record(_ attempts: [AttemptRecord], outages: [String: ChannelOutage?]) async throws(StateStoreError) {
        try? await Task.sleep(for: .milliseconds(30))
        base.record(attempts, outages: outages)
    }
    func channelOutages() async throws(StateStoreError) -> [String: ChannelOutage] { base.channelOutages() }
    func claim(_ keys: [String], reading: Set<String>) async throws(StateStoreError) -> OutboxClaim { base.claim(keys, reading: reading) }
}
