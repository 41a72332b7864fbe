import Delivery
import Foundation
import Logging
import SLAEngine
import StateStore
import Synchronization
import Testing
@testable import Daemon
import TestSupport
import Transport

/// An outbox in memory, for the dispatcher's stage tests: what it records, in order.
final class MemoryOutbox: OutboxStore {
    private let state = Mutex<(pending: [PendingMessage], records: [[AttemptRecord]], enqueued: [OutboundMessage], outages: [String: ChannelOutage])>(([], [], [], [:]))

    init(pending: [PendingMessage] = [], outages: [String: ChannelOutage] = [:]) {
        state.withLock {
            $0.pending = pending
            $0.outages = outages
        }
    }

    func pendingMessages() -> [PendingMessage] { state.withLock { $0.pending } }
    func enqueue(_ messages: [OutboundMessage]) { state.withLock { $0.enqueued += messages } }
    func record(_ attempts: [AttemptRecord], outages: [String: ChannelOutage?]) {
        state.withLock { state in
            if !attempts.isEmpty { state.records.append(attempts) }
            for (channel, outage) in outages { state.outages[channel] = outage }
        }
    }
    func channelOutages() -> [String: ChannelOutage] { state.withLock { $0.outages } }
    /// Grants every claim, as SQLite's daemon lock does, and keeps how many keys each claimed;
    /// reads back the pending messages asked for.
    func claim(_ keys: [String], reading: Set<String>) -> OutboxClaim {
        claimSizes.withLock { $0.append(keys.count) }
        let messages = state.withLock { $0.pending.map(\.message) + $0.enqueued }.filter { reading.contains($0.key) }
        return OutboxClaim(granted: Set(keys), messages: Dictionary(messages.map { ($0.key, $0) }) { first, _ in first })
    }
    let claimSizes = Mutex<[Int]>([])

    var batches: [[AttemptRecord]] { state.withLock { $0.records } }
    var records: [AttemptRecord] { batches.flatMap { $0 } }
    var enqueued: [OutboundMessage] { state.withLock { $0.enqueued } }
}

/// A notifier that answers as told, after an optional wait, and remembers what it was given.
final class ScriptedNotifier: Notifier {
    let channel: String
    let kind: ChannelKind
    private let answer: @Sendable (OutboundMessage) async -> DeliveryOutcome.Status
    let received = Mutex<[String]>([])

    init(_ channel: String, kind: ChannelKind = .webhook, answer: @escaping @Sendable (OutboundMessage) async -> DeliveryOutcome.Status) {
        self.channel = channel
        self.kind = kind
        self.answer = answer
    }

    func deliver(_ message: OutboundMessage) async -> DeliveryOutcome {
        received.withLock { $0.append(message.key) }
        let status = await answer(message)
        let error = status == .failed ? DeliveryError(code: .serverError, recoverable: true, message: "503", status: 503) : nil
        return DeliveryOutcome(key: message.key, channel: channel, kind: kind, status: status, attempts: 1, error: error)
    }

    var keys: [String] { received.withLock { $0 } }
}

@Suite struct OutboxDispatcherTests {
    static let logger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let templates = try! MessageTemplates(directory: nil)

    static func message(_ key: String, _ channel: String) -> OutboundMessage {
        OutboundMessage(key: key, channel: channel, audience: .team, isUrgent: false, subject: key, text: key, createdAt: Date())
    }

    @Test func aHangingChannelHoldsBackNothingElse() async throws {
        let store = MemoryOutbox()
        // `hooks` never answers (until cancelled); `leads` answers at once.
        let hooks = ScriptedNotifier("hooks") { _ in
            try? await Task.sleep(for: .seconds(3600))
            return .cancelled
        }
        let leads = ScriptedNotifier("leads", kind: .log) { _ in .delivered }
        let dispatcher = OutboxDispatcher(store: store, notifiers: ["hooks": hooks, "leads": leads], opsChannel: nil, templates: Self.templates, logger: Self.logger)
        try await dispatcher.resume()
        let running = Task { await dispatcher.run() }
        await dispatcher.submit((0..<100).map { Self.message("h\($0)", "hooks") } + (0..<20).map { Self.message("l\($0)", "leads") })
        // Every leads message is recorded as delivered while hooks still hangs.
        let deadline = ContinuousClock.now + .seconds(10)
        while store.records.count < 20, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        #expect(Set(store.records.map(\.key)) == Set((0..<20).map { "l\($0)" }))
        #expect(store.records.allSatisfy { $0.result == .delivered(detail: nil) })
        // A webhook lane keeps at most its bound in flight.
        #expect(hooks.keys.count == 32)
        // A stop asked for ends the loop within its grace; the hanging attempts are cancelled, not recorded.
        dispatcher.requestStop()
        let stopped = ContinuousClock.now
        await running.value
        #expect(ContinuousClock.now - stopped < .seconds(OutboxDispatcher.stopGrace + 2))
        #expect(store.records.count == 20)
    }

    /// With every message in flight and nothing else due, the loop would sleep a whole turn:
    /// a stop still ends when its grace does, not at the next turn after it.
    @Test func aStopEndsWhenItsGraceEnds() async throws {
        let (took, store) = try await timedStop()
        #expect(took >= .seconds(OutboxDispatcher.stopGrace))
        #expect(took < .seconds(OutboxDispatcher.stopGrace + 0.6))
        #expect(store.records.isEmpty)
    }

    /// The grace ends on time when the loop wakes during it for anything else (here a second
    /// request to stop, 0.8 s in): the next wait is cut at the grace's end, where whole idle
    /// turns from that wake would end 0.8 s past it.
    @Test func aStopWokenDuringItsGraceStillEndsWithIt() async throws {
        let (took, _) = try await timedStop(askingAgainAfter: .milliseconds(800))
        #expect(took >= .seconds(OutboxDispatcher.stopGrace))
        #expect(took < .seconds(OutboxDispatcher.stopGrace + 0.6))
    }

    /// Starts five attempts that never end, asks the dispatcher to stop (and again after
    /// `again`, when given), and says how long it took to stop.
    private func timedStop(askingAgainAfter again: Duration? = nil) async throws -> (took: Duration, store: MemoryOutbox) {
        let store = MemoryOutbox()
        let hooks = ScriptedNotifier("hooks") { _ in
            try? await Task.sleep(for: .seconds(3600))
            return .cancelled
        }
        let dispatcher = OutboxDispatcher(store: store, notifiers: ["hooks": hooks], opsChannel: nil, templates: Self.templates, logger: Self.logger)
        let running = Task { await dispatcher.run() }
        await dispatcher.submit((0..<5).map { Self.message("h\($0)", "hooks") })
        let deadline = ContinuousClock.now + .seconds(10)
        while hooks.keys.count < 5, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(10)) }
        dispatcher.requestStop()
        let stopped = ContinuousClock.now
        if let again {
            try await Task.sleep(for: again)
            dispatcher.requestStop()
        }
        await running.value
        return (ContinuousClock.now - stopped, store)
    }

    @Test func attemptsEndingTogetherAreRecordedInBatches() async throws {
        let store = MemoryOutbox()
        let hooks = ScriptedNotifier("hooks") { _ in .delivered }
        let dispatcher = OutboxDispatcher(store: store, notifiers: ["hooks": hooks], opsChannel: nil, templates: Self.templates, logger: Self.logger)
        await dispatcher.submit((0..<500).map { Self.message("m\($0)", "hooks") })
        await dispatcher.drain()
        #expect(store.records.count == 500)
        #expect(Set(store.records.map(\.key)).count == 500)
        #expect(store.batches.count < 500)
    }

    /// Attempts run above the default priority, on threads of their own: a large tick's
    /// wording, which keeps every default thread busy, does not hold back the delivery of the
    /// parts it has already committed.
    @Test func attemptsRunAboveTheTicksPriority() async throws {
        let store = MemoryOutbox()
        let priorities = Mutex<[TaskPriority]>([])
        let hooks = ScriptedNotifier("hooks") { _ in
            priorities.withLock { $0.append(Task.currentPriority) }
            return .delivered
        }
        let dispatcher = OutboxDispatcher(store: store, notifiers: ["hooks": hooks], opsChannel: nil, templates: Self.templates, logger: Self.logger)
        await dispatcher.submit((0..<20).map { Self.message("m\($0)", "hooks") }, claimed: true)
        await dispatcher.drain()
        #expect(priorities.withLock { $0 } == Array(repeating: TaskPriority.high, count: 20))
    }

    /// The service group names the dispatcher's service by its type (`NamedService`).
    @Test func theDeliveryServiceIsNamedByItsType() {
        let dispatcher = OutboxDispatcher(store: MemoryOutbox(), notifiers: [:], opsChannel: nil, templates: Self.templates, logger: Self.logger)
        #expect("\(DeliveryService(dispatcher: dispatcher))" == "DeliveryService")
    }

    /// Messages a commit found new to an outbox only this daemon sends from are attempted at
    /// once, without a claim; the others are claimed first.
    @Test func messagesNewToTheOutboxAreAttemptedWithoutAClaim() async throws {
        let store = MemoryOutbox()
        let hooks = ScriptedNotifier("hooks") { _ in .delivered }
        let dispatcher = OutboxDispatcher(store: store, notifiers: ["hooks": hooks], opsChannel: nil, templates: Self.templates, logger: Self.logger)
        await dispatcher.submit((0..<300).map { Self.message("new\($0)", "hooks") }, claimed: true)
        await dispatcher.drain()
        #expect(store.claimSizes.withLock { $0 }.isEmpty)
        await dispatcher.submit((0..<3).map { Self.message("known\($0)", "hooks") })
        await dispatcher.drain()
        #expect(store.claimSizes.withLock { $0 }.reduce(0, +) == 3)
        #expect(Set(hooks.keys).count == 303)
        #expect(Set(store.records.map(\.key)).count == 303)
    }

    @Test func attemptsEndingTogetherAreClaimedForInOneReadAndFinishedInOneTurn() async throws {
        let store = MemoryOutbox()
        // Each attempt gives up its thread once, so ends arrive while others are being taken.
        let hooks = ScriptedNotifier("hooks") { _ in
            await Task.yield()
            return .delivered
        }
        let dispatcher = OutboxDispatcher(store: store, notifiers: ["hooks": hooks], opsChannel: nil, templates: Self.templates, logger: Self.logger)
        await dispatcher.submit((0..<2_000).map { Self.message("m\($0)", "hooks") })
        await dispatcher.drain()
        #expect(Set(store.records.map(\.key)).count == 2_000)
        let claims = store.claimSizes.withLock { $0 }
        // Every message claimed once, before its attempt...
        #expect(claims.reduce(0, +) == 2_000)
        #expect(Set(hooks.keys).count == 2_000)
        // ...in reads that each take what ended meanwhile, not one read per ended attempt.
        #expect(claims.count < 2_000 / 4, "\(claims.count) claims")
        // Each end recorded once, and not one turn on the actor per ended attempt: the ends
        // queued meanwhile are finished together.
        #expect(store.records.count == 2_000)
        let turns = await dispatcher.endTurns
        #expect(turns >= 1)
        #expect(turns < 2_000 / 2, "\(turns) turns")
    }

    @Test func aRestartMakesEveryHeldMessageDueAtOnceAndKeepsItsAttempts() async throws {
        let later = Date() + 3600
        let store = MemoryOutbox(pending: [
            PendingMessage(message: Self.message("a", "hooks"), attempts: 4, nextAttemptAt: later),
            PendingMessage(message: Self.message("b", "hooks"), attempts: 0),
        ])
        let hooks = ScriptedNotifier("hooks") { $0.key == "a" ? .failed : .delivered }
        let dispatcher = OutboxDispatcher(store: store, notifiers: ["hooks": hooks], opsChannel: nil, templates: Self.templates, random: { 0 }, logger: Self.logger)
        try await dispatcher.resume()
        await dispatcher.drain()
        #expect(hooks.keys.sorted() == ["a", "b"])
        // `a` had four attempts: its fifth failure waits half of a 16 s ceiling.
        guard case .retry(let at, "server_error", _)? = store.records.first(where: { $0.key == "a" })?.result else {
            Issue.record("expected a retry of a, got \(store.records)")
            return
        }
        let wait = at.timeIntervalSince(store.records.first { $0.key == "a" }!.at)
        #expect(abs(wait - 8) < 0.001)
    }

    @Test func opsHearOncePerOutageAlsoAcrossARestart() async throws {
        let store = MemoryOutbox()
        let gone = ScriptedNotifier("hooks") { _ in .failed }
        let ops = ScriptedNotifier("ops", kind: .log) { _ in .delivered }
        // A policy with no second attempt: every failure is a dead letter.
        let once = RetryPolicy(maxAttempts: 1)
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: ["hooks": gone, "ops": ops], opsChannel: "ops", templates: Self.templates, policy: once, logger: Self.logger)
        await dispatcher.submit([Self.message("m1", "hooks"), Self.message("m2", "hooks")])
        await dispatcher.drain()
        #expect(store.enqueued.map(\.subject) == ["[slawatch] channel hooks is failing (server_error)"])
        #expect(ops.keys.count == 1)
        #expect(store.channelOutages()["hooks"]?.deadLetters == 2)

        // A new process on the same state: the outage is known, nothing is said again.
        let again = OutboxDispatcher(
            store: store, notifiers: ["hooks": gone, "ops": ops], opsChannel: "ops", templates: Self.templates, policy: once, logger: Self.logger)
        try await again.resume()
        await again.submit([Self.message("m3", "hooks")])
        await again.drain()
        #expect(store.enqueued.count == 1)
        #expect(store.channelOutages()["hooks"]?.deadLetters == 3)
    }

    @Test func opsNoticesAreWordedByTheirTemplateWhichASiteMayReplace() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-ops-templates-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "OPS: {{#channel_failing}}{{channel}} down ({{reason}}){{/channel_failing}}"
            .write(to: directory.appendingPathComponent("ops_notice.subject.mustache"), atomically: true, encoding: .utf8)
        let store = MemoryOutbox()
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: ["hooks": ScriptedNotifier("hooks") { _ in .failed }, "ops": ScriptedNotifier("ops", kind: .log) { _ in .delivered }],
            opsChannel: "ops", templates: try MessageTemplates(directory: directory.path), policy: RetryPolicy(maxAttempts: 1), logger: Self.logger)
        await dispatcher.submit([Self.message("m1", "hooks")])
        await dispatcher.drain()
        #expect(store.enqueued.map(\.subject) == ["OPS: hooks down (server_error)"])
        // The text form is still the default one.
        #expect(store.enqueued.first?.text.hasPrefix("Messages to hooks are failing since ") == true)
    }

    @Test func aLongRoundIsReportedSoFarEveryMinute() async throws {
        let lines = SourceProblemLogTests.Lines()
        let clock = VirtualClock()
        // Each delivery takes 100 ms of real time, 32 at once: about 3 s for the 1,000. The
        // delivery clock is moved by hand.
        let finished = Mutex(0)
        let slow = ScriptedNotifier("hooks") { _ in
            try? await Task.sleep(for: .milliseconds(100))
            finished.withLock { $0 += 1 }
            return .delivered
        }
        let dispatcher = OutboxDispatcher(
            store: MemoryOutbox(), notifiers: ["hooks": slow], opsChannel: nil, templates: Self.templates, clock: clock,
            logger: Logger(label: "test") { _ in SourceProblemLogTests.Capture(into: lines) })
        let running = Task { await dispatcher.run() }
        await dispatcher.submit((0..<1000).map { Self.message("m\($0)", "hooks") })
        // Once the round has begun (the first wave of 32 has ended and been recorded, which
        // the second wave's ends imply), a minute passes.
        let begun = ContinuousClock.now + .seconds(10)
        while finished.withLock({ $0 }) < 40, ContinuousClock.now < begun { try await Task.sleep(for: .milliseconds(20)) }
        clock.advance(by: 61)
        // The loop turns at least once a second; the round has lasted a minute by then.
        let deadline = ContinuousClock.now + .seconds(5)
        var reported: [Logger.Metadata] = []
        while reported.isEmpty, ContinuousClock.now < deadline {
            reported = lines.lines.withLock { $0 }.filter { $0.message == "deliveries" && $0.metadata["ongoing"] == "true" }.map(\.metadata)
            try await Task.sleep(for: .milliseconds(50))
        }
        dispatcher.requestStop()
        await running.value
        #expect(reported.count == 1)
        #expect(reported.first?["channel"] == "hooks")
        #expect(Int("\(reported.first?["delivered"] ?? "0")") ?? 0 > 0)
    }

    @Test func onlyAnAttemptThatMayBeTriedAgainDrawsJitter() async throws {
        let draws = Mutex(0)
        let hooks = ScriptedNotifier("hooks") { _ in .delivered }
        let down = ScriptedNotifier("down") { _ in .failed }
        let dispatcher = OutboxDispatcher(
            store: MemoryOutbox(), notifiers: ["hooks": hooks, "down": down], opsChannel: nil, templates: Self.templates,
            random: {
                draws.withLock { $0 += 1 }
                return 0.5
            }, logger: Self.logger)
        await dispatcher.submit((0..<200).map { Self.message("m\($0)", "hooks") })
        await dispatcher.drain()
        #expect(hooks.keys.count == 200)
        #expect(draws.withLock { $0 } == 0)
        await dispatcher.submit((0..<3).map { Self.message("f\($0)", "down") })
        await dispatcher.drain()
        #expect(down.keys.count == 3)
        #expect(draws.withLock { $0 } == 3)
    }
}
