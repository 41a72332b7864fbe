import Delivery
import Foundation
import Logging
import SLAEngine
import StateStore
import Synchronization
import Testing
@testable import Daemon

/// A lane past its bound of bodies holds the rest as keys and reads each body back from the
/// outbox when it claims the message: every message still goes once, in order, whole.
@Suite struct LaneBodiesTests {
    static let t0 = Date(timeIntervalSince1970: 1_780_000_000)

    static func message(_ n: Int) -> OutboundMessage {
        OutboundMessage(key: String(format: "m%03d", n), channel: "leads", subject: "subject \(n)", text: "body of message \(n)", createdAt: t0)
    }

    /// A tick's part handed over at once: runs of channels, a key given twice, a lane filled
    /// past its bound of bodies across two parts.
    @Test func aPartHandedOverAtOnceQueuesAsMessagesOneByOne() {
        let part = (0..<12).map { n in
            OutboundMessage(key: "k\(n % 10)", channel: n % 5 < 3 ? "leads" : "hooks", subject: "s\(n)", text: "t\(n)", createdAt: Self.t0)
        }
        var atOnce = DeliverySchedule(limits: ["leads": 100, "hooks": 100], bodiesPerLane: 4)
        var oneByOne = atOnce
        atOnce.add(part, due: Self.t0)
        atOnce.add(part.prefix(3).map { OutboundMessage(key: "again-" + $0.key, channel: "leads", subject: "", text: "", createdAt: Self.t0) },
                   due: Self.t0 + 1)
        for message in part { oneByOne.add(message, due: Self.t0) }
        for n in 0..<3 { oneByOne.add(OutboundMessage(key: "again-k\(n)", channel: "leads", subject: "", text: "", createdAt: Self.t0), due: Self.t0 + 1) }
        // k0 and k1 come back as messages 10 and 11: queued once, as the first.
        #expect(atOnce.waiting == 13)
        #expect(atOnce.bodies == 8)
        let taken = atOnce.take(now: Self.t0 + 1), expected = oneByOne.take(now: Self.t0 + 1)
        #expect(taken.map(\.key).sorted() == expected.map(\.key).sorted())
        for channel in ["leads", "hooks"] {
            let lane = taken.filter { $0.channel == channel }, reference = expected.filter { $0.channel == channel }
            #expect(lane.map(\.key) == reference.map(\.key))
            #expect(lane.map { $0.message?.subject } == reference.map { $0.message?.subject })
            #expect(lane.map(\.due) == reference.map(\.due))
        }
        #expect(taken.filter { $0.channel == "leads" }.map(\.key) == ["k0", "k1", "k2", "k5", "k6", "k7", "again-k0", "again-k1", "again-k2"])
        #expect(taken.filter { $0.channel == "leads" }.map { $0.message?.subject } == ["s0", "s1", "s2", "s5", nil, nil, nil, nil, nil])
    }

    @Test func aLaneHoldsAtMostItsBoundOfBodies() {
        var schedule = DeliverySchedule(limits: ["leads": 1000], bodiesPerLane: 8)
        for n in 0..<100 { schedule.add(Self.message(n), due: Self.t0) }
        #expect(schedule.bodies == 8)
        #expect(schedule.waiting == 100)
        let taken = schedule.take(now: Self.t0)
        // In order of arrival; the first eight whole, the rest keys for the claim to read.
        #expect(taken.map(\.key) == (0..<100).map { Self.message($0).key })
        #expect(taken.prefix(8).allSatisfy { $0.message == Self.message(Int($0.key.dropFirst())!) })
        #expect(taken.dropFirst(8).allSatisfy { $0.message == nil })
        #expect(schedule.bodies == 0)
        // A retried message without room for its body waits as a key too.
        for n in 100..<110 { schedule.add(Self.message(n), due: Self.t0) }
        var retried = taken[0]
        retried.message = Self.message(0)
        let failed = DeliveryOutcome(key: retried.key, channel: "leads", kind: .log, status: .failed, attempts: 1,
                                     error: DeliveryError(code: .serverError, recoverable: true, message: "503", status: 503))
        _ = schedule.finish(retried, failed, at: Self.t0, random: 0.5)
        #expect(schedule.bodies == 8)
        #expect(schedule.waiting == 11)
    }

    /// Lanes far below their bound of bodies still hold no more than `defaultBodyBytes` of
    /// them together, and a body taken out makes room for the next.
    @Test func allLanesTogetherHoldAtMostTheirBytesOfBodies() {
        // One megabyte of text, shared by every message: counted per message, held once.
        let text = String(repeating: "x", count: 1 << 20)
        func message(_ n: Int) -> OutboundMessage {
            OutboundMessage(key: "big\(n)", channel: n % 2 == 0 ? "leads" : "hooks", subject: "s", text: text, createdAt: Self.t0)
        }
        let size = 1 + (1 << 20) + 512
        let fit = DeliverySchedule.defaultBodyBytes / size
        var schedule = DeliverySchedule(limits: ["leads": 1000, "hooks": 1000])
        for n in 0..<(fit + 10) { schedule.add(message(n), due: Self.t0) }
        #expect(fit == 63)
        #expect(schedule.bodies == fit)
        #expect(schedule.waiting == fit + 10)
        let taken = schedule.take(now: Self.t0)
        #expect(taken.count == fit + 10)
        #expect(taken.filter { $0.message != nil }.count == fit)
        #expect(schedule.bodies == 0)
        // Their room is free again: ten more are held whole.
        for n in 100..<110 { schedule.add(message(n), due: Self.t0) }
        #expect(schedule.bodies == 10)
    }

    /// Committed to a real outbox, submitted to a dispatcher whose lane holds 8 bodies: all
    /// 300 delivered once, in order, each with the body the outbox holds.
    @Test func aLanePastItsBoundDeliversEveryMessageOnceInOrder() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lane-bodies-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try StateStore(path: directory.appendingPathComponent("state.db").path)
        let messages = (0..<300).map(Self.message)
        try store.enqueue(messages)
        let held = Mutex<[Int]>([])
        let texts = Mutex<[String: String]>([:])
        let box = Mutex<OutboxDispatcher?>(nil)
        let leads = ScriptedNotifier("leads", kind: .log) { message in
            texts.withLock { $0[message.key, default: ""] += message.text }
            if let dispatcher = box.withLock({ $0 }) {
                let count = await dispatcher.bodiesHeld
                held.withLock { $0.append(count) }
            }
            return .delivered
        }
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: ["leads": leads], opsChannel: nil, templates: OutboxDispatcherTests.templates,
            logger: OutboxDispatcherTests.logger, bodiesPerLane: 8)
        box.withLock { $0 = dispatcher }
        await dispatcher.submit(messages)
        #expect(await dispatcher.bodiesHeld <= 8)
        await dispatcher.drain()
        #expect(leads.keys == messages.map(\.key))
        #expect(texts.withLock { $0 } == Dictionary(uniqueKeysWithValues: messages.map { ($0.key, $0.text) }))
        #expect(held.withLock { $0.count } == 300)
        #expect(held.withLock { $0 }.allSatisfy { $0 <= 8 })
        #expect(try store.outboxDepth().pending == 0)
    }

    /// A restarted dispatcher queues the outbox by key and reads every body back.
    @Test func aResumedDispatcherHoldsKeysOnly() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lane-bodies-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try StateStore(path: directory.appendingPathComponent("state.db").path)
        let messages = (0..<50).map(Self.message)
        try store.enqueue(messages)
        let texts = Mutex<[String]>([])
        let leads = ScriptedNotifier("leads", kind: .log) { message in
            texts.withLock { $0.append(message.text) }
            return .delivered
        }
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: ["leads": leads], opsChannel: nil, templates: OutboxDispatcherTests.templates,
            logger: OutboxDispatcherTests.logger)
        try await dispatcher.resume()
        #expect(await dispatcher.bodiesHeld == 0)
        await dispatcher.drain()
        #expect(leads.keys == messages.map(\.key))
        #expect(texts.withLock { $0 } == messages.map(\.text))
        #expect(try store.outboxDepth().pending == 0)
    }
}
