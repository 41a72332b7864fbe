import Foundation
import Testing
@testable import Daemon
import SLAEngine

/// The `log` channel appends one whole JSON line per message, also after a kill cut a line short.
@Suite struct LogChannelTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-log-\(UUID())")
    var path: String { directory.appendingPathComponent("out/leads.jsonl").path }

    func message(_ key: String) -> OutboundMessage {
        OutboundMessage(
            key: key, channel: "leads", subject: "T-1 breached", text: "Overdue — by 2 hours",
            createdAt: Date(timeIntervalSince1970: 1_795_176_000))
    }

    func fileLines() throws -> [Substring] {
        try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
    }

    @Test func eachMessageIsOneLineInItsOwnDirectory() async throws {
        let channel = LogChannel(channel: "leads", path: path)
        #expect(await channel.deliver(message("a")).status == .delivered)
        #expect(await channel.deliver(message("b")).status == .delivered)
        let lines = try fileLines()
        #expect(lines.count == 3 && lines[2].isEmpty)
        let keys = try lines.dropLast().map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.map { $0["key"] as! String }
        #expect(keys == ["a", "b"])
        #expect(lines[0].hasPrefix(#"{"at":"2026-11-20T12:00:00Z","channel":"leads","key":"a","#))
    }

    /// A kill in the middle of a write leaves the start of a line, here cut inside the
    /// three bytes of "—". The next line starts on a line of its own.
    @Test func aLineCutShortIsClosedBeforeTheNext() async throws {
        let channel = LogChannel(channel: "leads", path: path)
        #expect(await channel.deliver(message("a")).status == .delivered)
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let cut = whole.prefix(through: whole.firstIndex(of: 0xE2)!)
        try cut.write(to: URL(fileURLWithPath: path))
        #expect(await channel.deliver(message("a")).status == .delivered)
        #expect(await channel.deliver(message("b")).status == .delivered)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        let lines = written.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        #expect(lines.count == 4)
        #expect(Data(lines[0]) == Data(cut))
        #expect(Data(lines[1]) + [0x0A] == whole)
        #expect(try JSONSerialization.jsonObject(with: Data(lines[2])) as? [String: Any] != nil)
        #expect(lines[3].isEmpty)
    }

    @Test func aDirectoryItCannotWriteFailsNamingThePath() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        // A file where the directory should be: neither root nor anyone else can create it.
        try Data().write(to: directory.appendingPathComponent("out"))
        let outcome = await LogChannel(channel: "leads", path: path).deliver(message("a"))
        #expect(outcome.status == .failed)
        #expect(outcome.error?.recoverable == true)
        #expect(outcome.error?.message.hasPrefix(path) == true)
    }
}

extension LogChannelTests {
    /// A run of messages is appended in one write, a line each in their order, also after a
    /// line cut short; each message is delivered.
    @Test func aRunOfMessagesIsAppendedLineByLineInOrder() async throws {
        let channel = LogChannel(channel: "leads", path: path)
        #expect(channel.messagesPerAttempt == LogChannel.linesPerWrite)
        #expect(await channel.deliver(message("a")).status == .delivered)
        // Cut the last line short, as a kill mid-write would.
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        try whole.dropLast(5).write(to: URL(fileURLWithPath: path))
        let outcomes = await channel.deliver(["b", "c", "d"].map(message))
        #expect(outcomes.map(\.key) == ["b", "c", "d"])
        #expect(outcomes.allSatisfy { $0.status == .delivered })
        let lines = try fileLines()
        #expect(lines.count == 5 && lines[4].isEmpty)
        #expect(Data(lines[0].utf8) == whole.dropLast(5))
        let keys = try lines[1...3].map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.map { $0["key"] as! String }
        #expect(keys == ["b", "c", "d"])
    }

    /// Through the dispatcher: more messages than one run holds, in the order submitted.
    @Test func theDispatcherAppendsALanesMessagesInOrder() async throws {
        let channel = LogChannel(channel: "leads", path: path)
        let store = MemoryOutbox()
        let dispatcher = OutboxDispatcher(
            store: store, notifiers: ["leads": channel], opsChannel: nil, templates: OutboxDispatcherTests.templates,
            logger: LaneBatchTests.logger)
        let keys = (0..<600).map { "m\($0)" }
        await dispatcher.submit(keys.map(message), claimed: true)
        await dispatcher.drain()
        let lines = try fileLines().dropLast()
        #expect(try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }.map { $0["key"] as! String } == keys)
        #expect(store.records.count == 600)
    }

    @Test func aRunItCannotWriteFailsEveryMessage() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data().write(to: directory.appendingPathComponent("out"))
        let outcomes = await LogChannel(channel: "leads", path: path).deliver(["a", "b"].map(message))
        #expect(outcomes.map(\.key) == ["a", "b"])
        #expect(outcomes.allSatisfy { $0.status == .failed && $0.error?.message.hasPrefix(path) == true })
    }
}

extension LogChannelTests {
    /// Every field of a line, in its order, spelled out by hand: a clock's line and a risk's,
    /// a customer notice's recipients, and text that needs escaping.
    @Test func aLineHasEveryFieldInItsOrder() {
        var notice = OutboundMessage(
            key: "k1", channel: "customers", role: nil, audience: .customer, isUrgent: true,
            subject: "Sorry \"Ann\"", text: "line one\nline two\u{2028}", recipients: ["ann@example.com", "bo@example.com"],
            createdAt: Date(timeIntervalSince1970: 1_795_176_000))
        var clock = MessageTicket(id: "T-1", source: "desk", subject: "s", metric: .firstResponse, cycle: 2, step: "breach",
                                  dueAt: Date(timeIntervalSince1970: 1_795_179_600))
        clock.ackURL = "https://sla.example.com/a/x"
        let risk = MessageTicket(id: "T-2", subject: "s", metric: nil, cycle: 1, step: "3", dueAt: nil, risk: .followUps)
        notice.tickets = [clock, risk]
        #expect(LogChannel.line(for: notice) == #"""
            {"at":"2026-11-20T12:00:00Z","channel":"customers","key":"k1","role":null,"audience":"customer","urgent":true,"tickets":[{"id":"T-1","source":"desk","metric":"first_response","cycle":2,"step":"breach","due_at":"2026-11-20T13:00:00Z","ack_url":"https://sla.example.com/a/x","snooze_url":null},{"id":"T-2","source":"","metric":null,"cycle":1,"step":"3","due_at":null,"ack_url":null,"snooze_url":null,"risk":"follow_ups"}],"subject":"Sorry \"Ann\"","text":"line one\nline two\u2028","to":["ann@example.com","bo@example.com"]}
            """#)
        #expect(LogChannel.line(for: message("a")) == #"""
            {"at":"2026-11-20T12:00:00Z","channel":"leads","key":"a","role":null,"audience":"team","urgent":false,"tickets":[],"subject":"T-1 breached","text":"Overdue — by 2 hours"}
            """#)
    }
}
