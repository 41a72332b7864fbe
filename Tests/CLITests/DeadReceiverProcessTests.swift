import Foundation
import Testing

/// A dead receiver stalls nothing: the real binary, a healthy `log` channel and a `webhook`
/// channel whose receiver is dead in each of three ways, under a test-owned notify socket
/// with systemd's watchdog on.
@Suite(.serialized) struct DeadReceiverProcessTests {
    enum Death: String, CaseIterable, CustomTestStringConvertible {
        case serverError = "503 always"
        case refused = "connection refused"
        case silent = "accepts and never answers"
        var testDescription: String { rawValue }
    }

    static let breached = 300
    /// Seconds after start at which a warning threshold is crossed.
    static let warningsAt: [Double] = [4, 7, 10]

    static func tickets(start: Date) -> String {
        let format = ISO8601DateFormatter()
        // Breached an hour ago; and tickets whose 50% (30 minutes) falls during the run.
        var items = (0..<breached).map { i in
            #"{"id": "B-\#(i)", "subject": "Breached \#(i)", "status": "open", "customer": {"id": "c\#(i % 7)"}, "created_at": "\#(format.string(from: start - 7200))"}"#
        }
        items += warningsAt.enumerated().map { i, offset in
            #"{"id": "W-\#(i)", "subject": "Warned \#(i)", "status": "open", "customer": {"id": "w"}, "created_at": "\#(format.string(from: start + offset - 1800))"}"#
        }
        return "[\n" + items.joined(separator: ",\n") + "\n]\n"
    }

    static func yaml(hook: String, timeout: String) -> String {
        """
        state: state/state.db
        poll_interval: 60s
        listen: 127.0.0.1:0
        sources:
          - { name: file, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { first_response: 1h } }
        teams:
          default: { lead: [leads], manager: [leads, hooks] }
        ladders:
          default:
            - { at: 50%, notify: lead }
            - { at: breach, notify: manager }
        channels:
          leads: { type: log, path: out/leads.jsonl, digest: false }
          hooks: { type: webhook, url: "\(hook)", timeout: \(timeout) }
        """
    }

    /// When each key first appeared in the `leads` log, in seconds since `start`.
    final class LogTail {
        let path: String
        private(set) var seen: [String: Double] = [:]
        init(path: String) { self.path = path }

        func poll(start: Date) throws {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return }
            let now = Date().timeIntervalSince(start)
            // Only whole lines: the daemon may be writing the last one as it is read.
            for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() where !line.isEmpty {
                let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as! [String: Any]
                let tickets = json["tickets"] as! [[String: Any]]
                let key = "\(tickets[0]["id"]!)/\(tickets[0]["step"]!)"
                if seen[key] == nil { seen[key] = now }
            }
        }
    }

    @Test(arguments: Death.allCases)
    func aDeadWebhookStallsNothing(death: Death) throws {
        let receiver = try HTTPReceiver()
        defer { receiver.process.terminate(SIGKILL) }
        let hook: String, timeout: String
        switch death {
        case .serverError: (hook, timeout) = (receiver.url("dead", "status/503"), "10s")
        case .refused: (hook, timeout) = ("http://127.0.0.1:9/hooks/dead", "10s")
        case .silent: (hook, timeout) = (receiver.url("dead", "hang?seconds=10"), "30s")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-dead-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("slawatch.yaml").path
        try Self.yaml(hook: hook, timeout: timeout).write(toFile: config, atomically: true, encoding: .utf8)
        // A whole second, as the tickets' times are written in whole seconds.
        let start = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.up))
        try Self.tickets(start: start).write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)

        let socket = try SystemdProcessTests.NotifySocket()
        // The socket's times count from its start, which is just before this instant.
        let origin = Date().timeIntervalSince1970
        let launched = Date().timeIntervalSince1970
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config], environment: [
            "NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "6000000",
        ])
        let tail = LogTail(path: directory.appendingPathComponent("out/leads.jsonl").path)
        // 13 s in `make test`, two minutes in `make soak`.
        let watched = Soak.pick(13.0, soak: 120.0)
        while Date().timeIntervalSince(start) < watched {
            try tail.poll(start: start)
            usleep(100_000)
        }
        // SIGTERM stops it within a bounded time, dead receiver or not.
        // Timed to the process's exit, not to the end of reading what it printed.
        let ended = Date().timeIntervalSince1970
        kill(daemon.process.processIdentifier, SIGTERM)
        daemon.process.waitUntilExit()
        #expect(Date().timeIntervalSince1970 - ended < 5)
        let stopped = daemon.terminate(SIGTERM)
        #expect(stopped == 0, "\(daemon.stderr)")

        // READY=1 within 5 s of the launch; the watchdog fed at least every 6 s throughout.
        let datagrams = socket.datagrams
        let ready = try #require(datagrams.first { $0.text.contains("READY=1") }, "\(daemon.stderr)")
        #expect(origin + ready.at - launched < 5)
        let pings = datagrams.filter { $0.text == "WATCHDOG=1" }.map { origin + $0.at }
        let marks = [launched] + pings + [ended]
        let gaps = zip(marks, marks.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { $0 < 6 }, "\(gaps) \(datagrams.map(\.text))")
        // Every breach ping to the healthy channel within 8 s; every warning within 2 s of its threshold.
        let breaches = (0..<Self.breached).map { tail.seen["B-\($0)/breach"] }
        #expect(breaches.allSatisfy { $0 != nil && $0! < 8 }, "\(breaches.compactMap { $0 }.max() ?? -1) s, \(breaches.filter { $0 == nil }.count) missing")
        for (i, offset) in Self.warningsAt.enumerated() {
            let seen = try #require(tail.seen["W-\(i)/50%"], "warning W-\(i) never arrived")
            #expect(seen - offset < 2 && seen >= offset - 0.5, "W-\(i) at \(seen) s, due at \(offset) s")
        }
        #expect(try receiver.records("ok").isEmpty)

        // A restart with the receiver healthy: every held message delivered exactly once.
        let healthy = receiver.url("ok", "ok")
        try Self.yaml(hook: healthy, timeout: "10s").write(toFile: config, atomically: true, encoding: .utf8)
        let again = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config])
        var ids: [String] = []
        let deadline = Date() + 20
        while Date() < deadline {
            ids = try receiver.records("ok").compactMap { record in
                (record["headers"] as? [[String]] ?? []).first { $0[0].lowercased() == "webhook-id" }?[1]
            }
            if ids.count >= Self.breached { break }
            usleep(200_000)
        }
        usleep(500_000)
        _ = again.terminate(SIGTERM)
        ids = try receiver.records("ok").compactMap { record in
            (record["headers"] as? [[String]] ?? []).first { $0[0].lowercased() == "webhook-id" }?[1]
        }
        // What both daemons logged, should a held message be missing or doubled.
        let logs = "first run:\n\(daemon.stderr)\nafter the restart:\n\(again.stderr)"
        #expect(ids.count == Self.breached, "\(logs)")
        #expect(Set(ids).count == ids.count, "\(logs)")
        // One per breached ticket: the idempotency key starts with the ticket's key, SOURCE:ID.
        #expect(Set(ids.map { String($0.split(separator: "/")[0]) }) == Set((0..<Self.breached).map { "file:B-\($0)" }))
    }
}
