import Foundation
import Testing

/// A scratch directory with a configuration that watches risks: follow-ups to the team's
/// lead (a channel with quiet hours 09:00–17:00 UTC on weekdays), reopens to its manager,
/// and a customers channel that must never hear of either.
struct RiskFixture {
    let directory: URL
    var config: String { directory.appendingPathComponent("slawatch.yaml").path }
    var tickets: String { directory.appendingPathComponent("tickets.json").path }
    var state: String { directory.appendingPathComponent("state.db").path }

    /// T-1: three customer messages in 45 minutes, unanswered, Monday 2026-11-23 from 08:00Z.
    /// T-2: solved at 09:30Z, reopened at 10:00Z.
    static let ticketsJSON = """
        [{"id": "T-1", "subject": "Where is my refund?", "status": "open", "group": "Billing",
          "customer": {"id": "acme", "email": "ops@acme.example"}, "created_at": "2026-11-23T08:00:00Z",
          "events": [{"at": "2026-11-23T08:00:00Z", "type": "customer_message"},
                     {"at": "2026-11-23T08:30:00Z", "type": "customer_message"},
                     {"at": "2026-11-23T08:45:00Z", "type": "customer_message"}]},
         {"id": "T-2", "subject": "Export fails", "status": "open", "group": "Billing",
          "customer": {"id": "beta", "email": "it@beta.example"}, "created_at": "2026-11-23T07:00:00Z",
          "events": [{"at": "2026-11-23T07:00:00Z", "type": "customer_message"},
                     {"at": "2026-11-23T07:10:00Z", "type": "agent_reply", "public": true},
                     {"at": "2026-11-23T09:30:00Z", "type": "status", "status": "solved"},
                     {"at": "2026-11-23T10:00:00Z", "type": "customer_message"},
                     {"at": "2026-11-23T10:00:00Z", "type": "status", "status": "open"}]}]
        """

    /// The real clock `minutes` ago, as a ticket's time: for fixtures a running daemon reads.
    static func ago(_ minutes: Double) -> String {
        ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: -minutes * 60))
    }

    init(tickets: String = RiskFixture.ticketsJSON, risks: String? = nil) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-risks-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try tickets.write(toFile: self.tickets, atomically: true, encoding: .utf8)
        let yaml = """
            state: state.db
            poll_interval: 30s
            listen: 127.0.0.1:0
            sources:
              - name: file
                type: file
                path: tickets.json
            calendars:
              office:
                timezone: UTC
                week:
                  mon-fri: ["09:00-17:00"]
            policies:
              - name: all
                targets:
                  any: { first_response: 24h }
            teams:
              billing:
                match: { group: Billing }
                lead: [leads]
                manager: [managers]
              default:
                lead: [leads]
            ladders:
              default:
                - at: breach
                  notify: lead
                  customer_notice: delay_notice
            risks:
            \(risks ?? "  follow_ups: { count: 3, within: 24h, notify: lead }\n  reopened: { count: 1, notify: manager }")
            channels:
              leads: { type: log, path: out/leads.jsonl, quiet_hours: office }
              managers: { type: log, path: out/managers.jsonl }
              customers: { type: log, path: out/customers.jsonl }
            """
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// The JSON lines a log channel received.
    func lines(_ channel: String) -> [[String: Any]] {
        let path = directory.appendingPathComponent("out/\(channel).jsonl").path
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
    }

    func tick(at instant: String) throws {
        let result = try SlawatchProcess.run(["run", "--config", config, "--once", "--at", instant])
        #expect(result.status == 0, "\(result.stderr)")
    }
}

@Suite(.serialized) struct RiskProcessTests {
    @Test func risksReachTheTeamOnceThroughQuietHoursAndRestarts() throws {
        let fixture = try RiskFixture()
        // 08:50Z: the third follow-up is in, but the lead's channel is in quiet hours until 09:00Z.
        try fixture.tick(at: "2026-11-23T08:50:00Z")
        #expect(fixture.lines("leads").isEmpty)
        // Each tick is a new process on the same state: a restart every time.
        try fixture.tick(at: "2026-11-23T08:55:00Z")
        #expect(fixture.lines("leads").isEmpty)
        try fixture.tick(at: "2026-11-23T09:00:30Z")
        let leads = fixture.lines("leads")
        #expect(leads.count == 1)
        #expect(leads.first?["key"] as? String == "file:T-1/risk/follow_ups/1@leads")
        #expect(leads.first?["role"] as? String == "lead")
        #expect((leads.first?["subject"] as? String)?.hasPrefix("[Risk follow_ups] T-1: 3 customer messages without a public answer") == true)
        let item = try #require((leads.first?["tickets"] as? [[String: Any]])?.first)
        #expect(item["risk"] as? String == "follow_ups")
        #expect(item["metric"] is NSNull)
        #expect(item["source"] as? String == "file")

        // 10:05Z: T-2 reopened; its manager hears at once (no quiet hours there).
        try fixture.tick(at: "2026-11-23T10:05:00Z")
        try fixture.tick(at: "2026-11-23T11:00:00Z")
        try fixture.tick(at: "2026-11-23T12:00:00Z")
        #expect(fixture.lines("leads").count == 1)
        let managers = fixture.lines("managers")
        #expect(managers.map { $0["key"] as? String } == ["file:T-2/risk/reopened/1@managers"])
        #expect((managers.first?["text"] as? String)?.contains("reopened after being solved") == true)
        // Never to the customer: no notice about either ticket (no clock is past due).
        #expect(fixture.lines("customers").isEmpty)
    }

    @Test func theRunningDaemonSendsARiskOnceAcrossARestart() throws {
        // A reopen half an hour ago, on the real clock; managers have no quiet hours.
        let ago = RiskFixture.ago
        let tickets = """
            [{"id": "R-1", "status": "open", "group": "Billing", "created_at": "\(ago(120))",
              "events": [{"at": "\(ago(120))", "type": "customer_message"},
                         {"at": "\(ago(60))", "type": "status", "status": "solved"},
                         {"at": "\(ago(30))", "type": "status", "status": "open"}]}]
            """
        let fixture = try RiskFixture(tickets: tickets, risks: "  reopened: { count: 1, notify: manager }")
        for _ in 0..<2 {
            let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
            let ticked = daemon.waitForLine(containing: "tick", stream: .stderr)
            // The outbox is delivered beside the tick: wait for the line to land.
            let deadline = ContinuousClock.now + .seconds(10)
            while fixture.lines("managers").isEmpty && ContinuousClock.now < deadline { usleep(50_000) }
            #expect(daemon.terminate() == 0)
            #expect(ticked, "\(daemon.stderr)")
        }
        #expect(fixture.lines("managers").map { $0["key"] as? String } == ["file:R-1/risk/reopened/1@managers"])
    }
}
