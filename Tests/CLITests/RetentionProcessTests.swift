import Foundation
import Testing

/// `retention` through the user's door: `check` refuses a short one, `run --once` and the
/// daemon forget what ended before it, and nothing still open is sent again.
@Suite(.serialized) struct RetentionProcessTests {
    /// OLD and LONG, both breached by noon on the fixture's 24x7 ladder (first response 1h).
    static func tickets(oldStatus: String, created: String) -> String {
        """
        [{"id": "OLD", "subject": "Over", "status": "\(oldStatus)", "priority": "normal", "customer": {"id": "acme"},
          "created_at": "\(created)"},
         {"id": "LONG", "subject": "Still open", "status": "open", "priority": "normal", "customer": {"id": "acme"},
          "created_at": "\(created)"}]
        """
    }

    /// A state where OLD was closed at `closedAt` and LONG stays open, both pinged at breach.
    func history(created: Date, extraConfig: String = "retention: 35d") throws -> DaemonFixture {
        let fixture = try DaemonFixture(tickets: Self.tickets(oldStatus: "open", created: Self.text(created)), extraConfig: extraConfig)
        let first = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", Self.text(created + 7200)])
        #expect(first.status == 0, "\(first.stderr)")
        try Self.tickets(oldStatus: "closed", created: Self.text(created)).write(
            to: fixture.directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let second = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", Self.text(created + 9000)])
        #expect(second.status == 0, "\(second.stderr)")
        return fixture
    }

    static func text(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }

    /// The breach pings LONG had, across both channels.
    func breachPings(_ fixture: DaemonFixture, ticket: String) throws -> Int {
        try fixture.lines().flatMap { ($0["tickets"] as! [[String: Any]]) }
            .filter { $0["id"] as? String == ticket && $0["step"] as? String == "breach" }.count
    }

    @Test func checkRefusesARetentionShorterThan35Days() throws {
        let fixture = try DaemonFixture(tickets: "[]", extraConfig: "retention: 7d")
        let result = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(result.status == 78)
        #expect(result.stderr.contains("retention: is 7d; keep at least 35d"), "\(result.stderr)")
        // `run` refuses it alike, before touching the state.
        let run = try SlawatchProcess.run(["run", "--config", fixture.config, "--once"])
        #expect(run.status == 78)
        #expect(!FileManager.default.fileExists(atPath: fixture.state))
    }

    @Test func runOnceForgetsAClosedTicketAndSentMessagesButNotAnOpenTicketsLadder() throws {
        let created = ISO8601DateFormatter().date(from: "2026-01-05T09:00:00Z")!
        let fixture = try history(created: created)
        let pings = try breachPings(fixture, ticket: "LONG")
        #expect(pings > 0)
        #expect(try fixture.query("SELECT COUNT(*) FROM ticket_snapshot") == ["2"])
        // What OLD left on record before it is forgotten.
        #expect(try fixture.query("SELECT COUNT(*) FROM intent WHERE ticket_id = 'file:OLD'") != ["0"])
        #expect(try fixture.query("SELECT COUNT(*) FROM clock_outcome WHERE clock_key LIKE 'file:OLD/%'") != ["0"])
        #expect(try fixture.query("SELECT COUNT(*) FROM breach WHERE ticket_id = 'file:OLD'") != ["0"])

        // 40 days on: OLD was closed more than 35 days ago.
        let later = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", Self.text(created + 40 * 86_400)])
        #expect(later.status == 0, "\(later.stderr)")
        #expect(later.stderr.contains("state pruned"), "\(later.stderr)")
        #expect(later.stderr.contains("ticket_snapshot=1"), "\(later.stderr)")
        #expect(try fixture.query("SELECT ticket_id FROM ticket_snapshot") == ["file:LONG"])
        #expect(try fixture.query("SELECT COUNT(*) FROM intent WHERE ticket_id = 'file:OLD'") == ["0"])
        #expect(try fixture.query("SELECT COUNT(*) FROM clock_outcome WHERE clock_key LIKE 'file:OLD/%'") == ["0"])
        #expect(try fixture.query("SELECT COUNT(*) FROM breach WHERE ticket_id = 'file:OLD'") == ["0"])
        // LONG's ladder is kept, however old: its breach step is not sent again.
        #expect(try fixture.query("SELECT COUNT(*) FROM intent WHERE ticket_id = 'file:LONG' AND step = 'breach'") != ["0"])
        #expect(try breachPings(fixture, ticket: "LONG") == pings)
        // The messages sent on the first day, and their history, are gone; none is pending.
        let cutoff = Int((created + 5 * 86_400).timeIntervalSince1970)
        #expect(try fixture.query("SELECT COUNT(*) FROM outbox WHERE created_at < \(cutoff)") == ["0"])
        #expect(try fixture.query("SELECT COUNT(*) FROM delivery_log WHERE at < \(cutoff)") == ["0"])
        #expect(try fixture.query("SELECT COUNT(*) FROM outbox WHERE status = 'pending'") == ["0"])

        // Nothing more to forget a minute later: no `state pruned` at info, nothing re-sent.
        let again = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", Self.text(created + 40 * 86_400 + 60)])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stderr.contains("state pruned"), "\(again.stderr)")
        #expect(try breachPings(fixture, ticket: "LONG") == pings)
    }

    @Test func theDaemonPrunesAtItsFirstTickAndCountsIt() throws {
        // The history made 60 days ago, on the real clock the daemon runs on.
        let created = Date() - 60 * 86_400
        let fixture = try history(created: created)
        let port = try MetricsProcessTests.freePort()
        var yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:\(port)")
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { _ = daemon.terminate(SIGKILL) }
        #expect(daemon.waitForLine(containing: "state pruned", stream: .stderr), "\(daemon.stderr)")
        var text = ""
        let deadline = Date() + 20
        while Date() < deadline {
            text = (try? MetricsProcessTests.scrape(port)) ?? ""
            if text.contains("slawatch_state_pruned_rows_total{table=\"ticket_snapshot\"} 1") { break }
            usleep(200_000)
        }
        #expect(text.contains("slawatch_state_pruned_rows_total{table=\"ticket_snapshot\"} 1"), "\(text)")
        #expect(try fixture.query("SELECT ticket_id FROM ticket_snapshot") == ["file:LONG"])
    }
}
