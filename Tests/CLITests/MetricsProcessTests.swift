import Foundation
import Testing

/// `/metrics` as a scraper reads it from the real binary: what the tick counted and what
/// the dispatcher delivered.
@Suite(.serialized) struct MetricsProcessTests {
    /// A loopback port free right now.
    static func freePort() throws -> Int {
        let result = try SlawatchProcess.runTool("/usr/bin/python3", [
            "-c", "import socket; s = socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])",
        ])
        return Int(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines))!
    }

    static func scrape(_ port: Int) throws -> String {
        try SlawatchProcess.runTool("/usr/bin/python3", [
            "-c", "import sys, urllib.request; sys.stdout.write(urllib.request.urlopen(sys.argv[1]).read().decode())",
            "http://127.0.0.1:\(port)/metrics",
        ]).stdout
    }

    @Test func deliveriesAndTheTickAreCounted() throws {
        let port = try Self.freePort()
        // Five tickets breached at 12:50 on the fixture's ladder: `hooks` (one message per
        // ticket) and `leads` (a digest) hear of each.
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 5, base: Date() - 7200))
        var yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(port)")
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { _ = daemon.terminate(SIGKILL) }
        var text = ""
        let deadline = Date() + 20
        while Date() < deadline {
            text = (try? Self.scrape(port)) ?? ""
            if text.contains("slawatch_notifications_total{channel=\"hooks\",result=\"delivered\"} 5") { break }
            usleep(200_000)
        }
        #expect(text.contains("slawatch_notifications_total{channel=\"hooks\",result=\"delivered\"} 5"), "\(text)")
        #expect(text.contains("slawatch_tickets 5"))
        #expect(text.contains("slawatch_config_last_reload_successful 1"))
        #expect(text.contains("# TYPE slawatch_outbox_messages gauge"))
        #expect(text.contains("slawatch_clocks{state=\"breached\"}"))
    }
}
