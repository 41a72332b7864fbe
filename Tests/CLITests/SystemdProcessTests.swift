import Foundation
import Testing

/// The real binary under a test-owned notify socket, as systemd would run it.
@Suite(.serialized) struct SystemdProcessTests {
    struct Datagram {
        var at: Double
        var text: String
    }

    /// The notify socket's stand-in, and what it received.
    final class NotifySocket: Sendable {
        let path: String
        let receiver: SlawatchProcess.Running

        init() throws {
            path = FileManager.default.temporaryDirectory.appendingPathComponent("notify-\(UUID().uuidString.prefix(8))").path
            receiver = try SlawatchProcess.start("/usr/bin/python3", [SlawatchProcess.fixture("notify_receiver.py"), path])
            #expect(receiver.waitForLine(containing: "LISTENING"))
        }

        var datagrams: [Datagram] {
            receiver.stdout.split(separator: "\n").dropFirst().compactMap { line in
                let parts = line.split(separator: " ", maxSplits: 1)
                guard parts.count == 2, let at = Double(parts[0]) else { return nil }
                return Datagram(at: at, text: String(parts[1]))
            }
        }

        func wait(for text: String, count: Int = 1, timeout: Double = 20) -> Bool {
            let deadline = Date(timeIntervalSinceNow: timeout)
            while Date() < deadline {
                if datagrams.filter({ $0.text.contains(text) }).count >= count { return true }
                usleep(50_000)
            }
            return false
        }

        deinit {
            receiver.terminate(SIGKILL)
            try? FileManager.default.removeItem(atPath: path)
        }
    }

    func daemon(_ fixture: DaemonFixture, _ socket: NotifySocket) throws -> SlawatchProcess.Running {
        try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config], environment: [
            "NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "2000000",
        ])
    }

    @Test func readyAfterTheFirstTickThenWatchdogPingsAndAStatusLine() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 5, base: Date()))
        let socket = try NotifySocket()
        let process = try daemon(fixture, socket)
        defer { process.terminate(SIGKILL) }
        #expect(socket.wait(for: "READY=1"))
        let ready = try #require(socket.datagrams.first { $0.text.contains("READY=1") })
        #expect(ready.text.contains("STATUS=5 tickets"))
        // WATCHDOG_USEC=2s: a ping about every second while the loop makes progress.
        #expect(socket.wait(for: "WATCHDOG=1", count: 3, timeout: 6))
        let pings = socket.datagrams.filter { $0.text == "WATCHDOG=1" }.map(\.at)
        let gaps = zip(pings, pings.dropFirst()).map { $1 - $0 }
        #expect(gaps.allSatisfy { $0 < 2.0 }, "\(gaps)")
        // Nothing before READY but the watchdog.
        let beforeReady = socket.datagrams.prefix { !$0.text.contains("READY=1") }
        #expect(beforeReady.allSatisfy { $0.text == "WATCHDOG=1" })
    }

    @Test func sighupReloadsAGoodConfigurationAndKeepsTheOldOneForABadOne() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 3, base: Date()))
        let socket = try NotifySocket()
        let process = try daemon(fixture, socket)
        defer { process.terminate(SIGKILL) }
        #expect(socket.wait(for: "READY=1"))

        kill(process.process.processIdentifier, SIGHUP)
        #expect(socket.wait(for: "RELOADING=1"))
        let reloading = try #require(socket.datagrams.first { $0.text.contains("RELOADING=1") })
        #expect(reloading.text.contains("MONOTONIC_USEC="))
        #expect(socket.wait(for: "STATUS=configuration reloaded"))

        let good = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try (good + "\nbogus_key: 1\n").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        kill(process.process.processIdentifier, SIGHUP)
        #expect(socket.wait(for: "RELOADING=1", count: 2))
        #expect(socket.wait(for: "reload failed; running the previous configuration"))
        #expect(process.waitForLine(containing: "bogus_key: unknown key", stream: .stderr, timeout: .seconds(10)))
        #expect(process.process.isRunning)
        // Still alive and working: the watchdog keeps being fed.
        let pings = socket.datagrams.filter { $0.text == "WATCHDOG=1" }.count
        #expect(socket.wait(for: "WATCHDOG=1", count: pings + 2, timeout: 5))
    }

    @Test func sigtermStopsCleanlyWithTheOutboxIntact() throws {
        // A webhook nobody listens on: messages wait in the outbox for a retry.
        var fixture = try DaemonFixture(tickets: staggeredTickets(count: 6, base: Date().addingTimeInterval(-3000)))
        fixture = try fixture.replacingHooks(with: "  hooks: { type: webhook, url: \"http://127.0.0.1:9/hook\" }")
        let socket = try NotifySocket()
        let process = try daemon(fixture, socket)
        #expect(socket.wait(for: "READY=1", timeout: 30))
        let pendingBefore = try fixture.query("SELECT COUNT(*) FROM outbox WHERE channel = 'hooks'")
        let status = process.terminate(SIGTERM)
        #expect(status == 0)
        #expect(socket.wait(for: "STOPPING=1", timeout: 5))
        let rows = try fixture.query("SELECT status, COUNT(*) FROM outbox WHERE channel = 'hooks' GROUP BY status")
        #expect(!rows.isEmpty)
        #expect(rows.allSatisfy { $0.hasPrefix("pending|") || $0.hasPrefix("dead|") }, "\(rows)")
        #expect(try fixture.query("SELECT COUNT(*) FROM outbox WHERE channel = 'hooks'") == pendingBefore)
    }
}

extension DaemonFixture {
    /// The same fixture with the `hooks` channel replaced.
    func replacingHooks(with line: String) throws -> DaemonFixture {
        let yaml = try String(contentsOfFile: config, encoding: .utf8)
            .replacingOccurrences(of: "  hooks: { type: log, path: out/hooks.jsonl, digest: false }", with: line)
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        return self
    }
}
