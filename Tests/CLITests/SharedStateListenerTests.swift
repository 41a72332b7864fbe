import Foundation
import Testing
import TestSupport

/// Two daemons on one PostgreSQL state, each with its own listener: the standby serves the
/// status page, `/api/v1/clocks`, the signed links and the API from the shared state, and
/// what people record there (an acknowledgement, a silence) is what the leader acts on.
@Suite(.serialized) struct SharedStateListenerTests {
    static let key = "k3y-for-signing-links-0123456789abcdef-PG"
    static let token = "api-token-for-the-shared-state-0123456789"

    struct Fixture {
        let directory: URL
        let server: PostgresServer
        let database: String
        var ports: [String: Int] = [:]

        /// T-1 (Support, 10 s target) and T-2 (Billing, 20 s target), created 4 s ago; on
        /// each the lead hears of a breach, the manager 8 s after. Polled once a minute: the
        /// leader wakes at thresholds, and when told of an answer.
        init() throws {
            server = try PostgresServer.shared()
            database = try server.createDatabase()
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-pg-listener-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let created = ISO8601DateFormatter().string(from: Date(timeIntervalSinceNow: -4))
            try """
                [{"id": "T-1", "subject": "Card payments fail", "status": "open", "priority": "high", "group": "Support",
                  "customer": {"id": "c1"}, "created_at": "\(created)"},
                 {"id": "T-2", "subject": "Invoice wrong", "status": "open", "priority": "high", "group": "Billing",
                  "customer": {"id": "c2"}, "created_at": "\(created)"}]
                """.write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
            try (SharedStateListenerTests.key + "\n").write(to: directory.appendingPathComponent("action-key"), atomically: true, encoding: .utf8)
            try (SharedStateListenerTests.token + "\n").write(to: directory.appendingPathComponent("api-token"), atomically: true, encoding: .utf8)
            for name in ["a", "b"] { ports[name] = ActionLinkProcessTests.freePort() }
            try configure(Fixture.daemon)
        }

        /// Daemon `name`'s configuration after `actions:`' key.
        static func daemon(_ name: String) -> String {
            """
            lease: 3s
            poll_interval: 60s
            sources:
              - { name: file, type: file, path: tickets.json }
            policies:
              - { name: support, match: { group: Support }, targets: { any: { first_response: 10s } } }
              - { name: billing, match: { group: Billing }, targets: { any: { first_response: 20s } } }
            teams:
              default: { lead: [leads], manager: [managers] }
            ladders:
              default:
                - { at: breach, notify: lead }
                - { at: breach+8s, notify: manager }
            channels:
              leads: { type: log, path: out/leads-\(name).jsonl, digest: false }
              managers: { type: log, path: out/managers-\(name).jsonl, digest: false }
            """
        }

        /// Writes each daemon's configuration: the shared state, its own listener and
        /// `public_url`, the shared key and token, then `rest` (after `actions:`' key).
        func configure(_ rest: (String) -> String) throws {
            for (name, port) in ports {
                try """
                    state: "\(server.socketURL(database))"
                    listen: 127.0.0.1:\(port)
                    public_url: http://127.0.0.1:\(port)
                    api_token_file: api-token
                    actions:
                      key_file: action-key

                    """.appending(rest(name)).write(to: directory.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
            }
        }

        func config(_ name: String) -> String { directory.appendingPathComponent("\(name).yaml").path }

        /// Starts `a`, waits until it leads, then `b`, until it stands by.
        func startLeaderAndStandby() throws -> (SlawatchProcess.Running, SlawatchProcess.Running) {
            try SharedStateFixture.startLeaderAndStandby(start)
        }

        func start(_ name: String) throws -> SlawatchProcess.Running {
            try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config(name)])
        }

        /// The lines daemon `name` wrote to a `log` channel.
        func lines(_ channel: String, by name: String) -> [[String: Any]] {
            let path = directory.appendingPathComponent("out/\(channel)-\(name).jsonl").path
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }

        /// The tickets a line is about.
        static func tickets(_ line: [String: Any]) -> [String] {
            (line["tickets"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
        }

        /// A request with Python: status and body; a form posts it.
        func request(_ method: String, _ url: String, form: String? = nil) throws -> (status: Int, body: String) {
            let result = try SlawatchProcess.runTool(
                "/usr/bin/python3", [SlawatchProcess.fixture("action_client.py"), "request", method, url] + (form.map { [$0] } ?? []))
            let parts = result.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
            return (Int(parts.first ?? "") ?? -1, parts.count > 1 ? String(parts[1]) : "")
        }

        /// Rows of the shared state, `|`-separated.
        func query(_ sql: String) throws -> [String] {
            let printed = try server.sql("SET search_path = slawatch; " + sql, database: database)
            return printed.isEmpty ? [] : printed.components(separatedBy: "\n")
        }

        func waitFor(_ seconds: Double, _ condition: () throws -> Bool) rethrows -> Bool {
            let deadline = Date(timeIntervalSinceNow: seconds)
            while Date() < deadline {
                if try condition() { return true }
                usleep(100_000)
            }
            return try condition()
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test func theStandbyServesTheStateAndTheLeaderActsOnWhatItRecords() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let (a, b) = try fixture.startLeaderAndStandby()
        defer { _ = a.terminate(SIGKILL); _ = b.terminate(SIGKILL) }
        let standby = "http://127.0.0.1:\(fixture.ports["b"]!)"

        // A silence set through the standby's API, before T-2 (Billing) breaches.
        let added = try SlawatchProcess.run([
            "silence", "add", "--config", fixture.config("b"), "--match", "group=Billing", "--for", "1h", "--breaches",
            "--reason", "billing incident",
        ])
        #expect(added.status == 0, "\(added.stderr)")
        let silence = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try fixture.query("SELECT id, reason FROM silence") == ["\(silence)|billing incident"])

        // T-1 breaches: the leader pings the lead with links; the standby lists the clock.
        #expect(fixture.waitFor(20) { fixture.lines("leads", by: "a").contains { Fixture.tickets($0) == ["T-1"] } })
        let breach = try #require(fixture.lines("leads", by: "a").first { Fixture.tickets($0) == ["T-1"] })
        let ackURL = try #require((breach["tickets"] as? [[String: Any]])?.first?["ack_url"] as? String)
        let token = try #require(ackURL.split(separator: "/").last.map(String.init))
        var clocks: [[String: Any]] = []
        #expect(try fixture.waitFor(10) {
            let answer = try fixture.request("GET", standby + "/api/v1/clocks")
            let object = (try? JSONSerialization.jsonObject(with: Data(answer.body.utf8))) as? [String: Any]
            clocks = object?["clocks"] as? [[String: Any]] ?? []
            return clocks.contains { $0["ticket"] as? String == "T-1" }
        })
        let listed = try #require(clocks.first { $0["ticket"] as? String == "T-1" })
        #expect(listed["source"] as? String == "file" && listed["metric"] as? String == "first_response")
        #expect(listed["state"] as? String == "breached" && listed["policy"] as? String == "support")
        #expect((listed["remaining_seconds"] as? Int ?? 1) <= 0 && listed["target_seconds"] as? Int == 10)
        let dueAt = try #require(ISO8601DateFormatter().date(from: listed["due_at"] as? String ?? ""))
        let page = try fixture.request("GET", standby + "/status")
        #expect(page.status == 200 && page.body.contains("T-1") && page.body.contains("stands by"), "\(page.body)")

        // The link, posted to the standby: recorded once, in the shared state.
        let posted = try fixture.request("POST", standby + "/a/" + token, form: "by=dana&for=10s")
        #expect(posted.status == 200 && posted.body.contains("Acknowledged by dana"), "\(posted.body)")
        let again = try fixture.request("POST", standby + "/a/" + token, form: "by=erin")
        #expect(again.body.contains("Already acknowledged by dana"))
        #expect(try fixture.query("SELECT ticket_id, source, metric, cycle, kind, by_name, via FROM clock_hold")
                == ["T-1|file|first_response|1|ack|dana|link"])
        let until = try #require(try fixture.query("SELECT until FROM clock_hold").first.flatMap(Double.init))
        // The standby's page shows who holds the clock.
        let held = try fixture.request("GET", standby + "/status")
        #expect(held.body.contains("acknowledged by dana"), "\(held.body)")
        let heldUntil = Date(timeIntervalSince1970: until)

        // `slawatch ack` pointed at the standby finds the clock the ladder acted on.
        let acked = try SlawatchProcess.run(["ack", "--config", fixture.config("b"), "--ticket", "T-1", "--by", "erin"])
        #expect(acked.status == 0 && acked.stdout.contains("already acknowledged by dana"), "\(acked.stdout) \(acked.stderr)")
        #expect(try SlawatchProcess.run(["ack", "--config", fixture.config("b"), "--ticket", "T-9", "--by", "erin"]).status == 66)

        // The leader tells the lead at once (it polls once a minute and the next threshold is
        // seconds away: the state told it), holds the manager's step, then resumes it once.
        #expect(fixture.waitFor(4) {
            fixture.lines("leads", by: "a").contains { ($0["subject"] as? String)?.contains("acknowledged by dana") == true }
        })
        #expect(fixture.waitFor(15) { Date() > heldUntil.addingTimeInterval(-0.5) })
        #expect(!fixture.lines("managers", by: "a").contains { Fixture.tickets($0) == ["T-1"] }, "pinged while held")
        #expect(fixture.waitFor(10) { fixture.lines("managers", by: "a").contains { Fixture.tickets($0) == ["T-1"] } })
        usleep(1_500_000)
        let resumed = fixture.lines("managers", by: "a").filter { Fixture.tickets($0) == ["T-1"] }
        #expect(resumed.count == 1)
        #expect((resumed.first?["text"] as? String)?.contains("Acknowledged by dana at") == true)

        // The standby's figures run on: business time past the due time, now (24x7 here).
        let later = try fixture.request("GET", standby + "/api/v1/clocks")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(later.body.utf8)) as? [String: Any])
        #expect((object["note"] as? String)?.contains("stands by") == true)
        let clock = try #require((object["clocks"] as? [[String: Any]])?.first { $0["ticket"] as? String == "T-1" })
        let past = Int(Date().timeIntervalSince(dueAt))
        #expect((clock["remaining_seconds"] as? Int).map { (-past - 2)...(-past + 2) ~= $0 } == true, "\(clock) \(past)")

        // T-2 breached under the silence: recorded as silenced, never sent, by either daemon.
        #expect(try fixture.waitFor(20) {
            try fixture.query("SELECT status FROM intent WHERE ticket_id = 'file:T-2' AND step = 'breach'") == ["silenced"]
        })
        for name in ["a", "b"] {
            #expect(!(fixture.lines("leads", by: name) + fixture.lines("managers", by: name)).contains { Fixture.tickets($0).contains("T-2") })
        }
        // The standby sent nothing at all.
        #expect(fixture.lines("leads", by: "b").isEmpty && fixture.lines("managers", by: "b").isEmpty)
        #expect(b.role == "standby")

        // A rotated API token holds on the standby from its SIGHUP on.
        try "rotated-api-token-0123456789abcdef\n".write(
            to: fixture.directory.appendingPathComponent("api-token"), atomically: true, encoding: .utf8)
        let list = ["silence", "list", "--config", fixture.config("b")]
        #expect(try SlawatchProcess.run(list).status == 77)
        kill(b.process.processIdentifier, SIGHUP)
        #expect(b.waitForLine(containing: "configuration reloaded", stream: .stderr, timeout: .seconds(10)), "\(b.stderr)")
        let silences = try SlawatchProcess.run(list)
        #expect(silences.status == 0 && silences.stdout.contains(silence), "\(silences.stdout) \(silences.stderr)")
        #expect(!b.stderr.contains("rotated-api-token") && !b.stderr.contains(SharedStateListenerTests.token))
    }

    /// `actions.ack_tag` with an acknowledgement posted to the standby: the leader, told
    /// through the state, tags the ticket at the helpdesk (a fake Zendesk), once.
    @Test func anAcknowledgementOnTheStandbyTagsTheTicketOnceThroughTheLeader() throws {
        let zendesk = try FakeZendesk()
        defer { zendesk.stop() }
        let fixture = try Fixture()
        defer { fixture.remove() }
        try "SEKRIT-ZD-TOKEN\n".write(to: fixture.directory.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        try fixture.configure { name in
            """
              ack_tag: sla-acked
            lease: 3s
            poll_interval: 10m
            sources:
              - { name: desk, type: zendesk, url: "\(zendesk.url)", email: agent@example.com, token_file: token, write_back: true }
            policies:
              - name: all
                targets: { any: { first_response: 1h } }
            teams:
              default: { manager: [managers] }
            ladders:
              default:
                - { at: breach, notify: manager }
            channels:
              managers: { type: log, path: out/managers-\(name).jsonl }
            """
        }
        let (a, b) = try fixture.startLeaderAndStandby()
        defer { _ = a.terminate(SIGKILL); _ = b.terminate(SIGKILL) }

        // Signed for source `desk`, ticket 42, first_response, cycle 1; posted to the standby.
        let links = ActionLinkProcessTests.Fixture(reading: fixture.directory, port: fixture.ports["b"]!)
        let link = try links.sign(SharedStateListenerTests.key, ticket: "42", expiry: Date() + 3600)
        #expect(a.waitForLine(containing: "tick", stream: .stderr, timeout: .seconds(20)))
        let posted = try fixture.request("POST", "http://127.0.0.1:\(fixture.ports["b"]!)/a/\(link)", form: "by=dana")
        #expect(posted.status == 200 && posted.body.contains("Acknowledged by dana"), "\(posted.body)")
        #expect(a.waitForLine(containing: "ticket tagged", stream: .stderr, timeout: .seconds(10)), "\(a.stderr)")
        let again = try fixture.request("POST", "http://127.0.0.1:\(fixture.ports["a"]!)/a/\(link)", form: "by=erin")
        #expect(again.body.contains("Already acknowledged by dana"), "\(again.body)")
        usleep(1_000_000)

        let requests = try zendesk.requests()
        let tags = requests.filter { $0["method"] as? String == "PUT" && ($0["path"] as? String ?? "").hasPrefix("/api/v2/tickets/42/tags.json") }
        #expect(tags.count == 1, "\(requests.map { "\($0["method"]!) \($0["path"]!)" })")
        #expect((tags.first?["body"] as? String)?.contains("sla-acked") == true)
        #expect(!b.stderr.contains("ticket tagged") && !a.stderr.contains("SEKRIT") && !b.stderr.contains("SEKRIT"))
        // Counted where it was taken.
        #expect(try MetricsProcessTests.scrape(fixture.ports["b"]!).contains("slawatch_acks_total{via=\"link\"} 1"))
    }

    /// A Slack button pressed on a message, its request sent to the standby (a load
    /// balancer may send `/slack/actions` to either daemon): the standby checks Slack's
    /// signature, records the hold in the shared state, answers within Slack's 3 s and
    /// updates the message; the leader tells the lead, and the standby sends nothing.
    @Test func aSlackButtonAnsweredByTheStandbyIsActedOnByTheLeader() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        try (AckProcessTests.slackSecret + "\n").write(
            to: fixture.directory.appendingPathComponent("slack-signing"), atomically: true, encoding: .utf8)
        try fixture.configure { "  slack_signing_secret_file: slack-signing\n" + Fixture.daemon($0) }
        let (a, b) = try fixture.startLeaderAndStandby()
        defer { _ = a.terminate(SIGKILL); _ = b.terminate(SIGKILL) }
        #expect(fixture.waitFor(20) { fixture.lines("leads", by: "a").contains { Fixture.tickets($0) == ["T-1"] } })
        let breach = try #require(fixture.lines("leads", by: "a").first { Fixture.tickets($0) == ["T-1"] })
        let ackURL = try #require((breach["tickets"] as? [[String: Any]])?.first?["ack_url"] as? String)
        let token = try #require(ackURL.split(separator: "/").last.map(String.init))

        let (receiver, receiverPort) = try AckProcessTests.startReceiver()
        defer { receiver.terminate(SIGKILL) }
        let pressed = try SlawatchProcess.runTool("/usr/bin/python3", [
            SlawatchProcess.fixture("slack_client.py"), "http://127.0.0.1:\(fixture.ports["b"]!)/slack/actions",
            AckProcessTests.slackSecret, token, "http://127.0.0.1:\(receiverPort)/slackhook/ok", "roadrunner",
        ]).stdout.split(separator: "\n").map(String.init)
        #expect(pressed.first == "200", "\(pressed)")
        #expect((Double(pressed.last ?? "") ?? 99) < 3)
        // Signed with another secret: refused, nothing recorded.
        let forged = try SlawatchProcess.runTool("/usr/bin/python3", [
            SlawatchProcess.fixture("slack_client.py"), "http://127.0.0.1:\(fixture.ports["b"]!)/slack/actions",
            "not-the-signing-secret", token, "http://127.0.0.1:\(receiverPort)/slackhook/ok", "mallory",
        ]).stdout.split(separator: "\n").map(String.init)
        #expect(forged.first == "401" || forged.first == "403", "\(forged)")

        #expect(try fixture.query("SELECT ticket_id, by_name, via FROM clock_hold") == ["T-1|roadrunner|slack"])
        // The message is updated through its response_url by the standby that took the press.
        #expect(fixture.waitFor(5) {
            let records = try? SlawatchProcess.runTool("/usr/bin/python3", [
                "-c", FakeZendesk.fetch, "http://127.0.0.1:\(receiverPort)/_records/slackhook",
            ]).stdout
            return records?.contains("Acknowledged by roadrunner at") == true
        })
        // The leader, told through the state, pings the lead at once; the standby sent nothing.
        #expect(fixture.waitFor(4) {
            fixture.lines("leads", by: "a").contains { ($0["subject"] as? String)?.contains("acknowledged by roadrunner") == true }
        }, "\(fixture.lines("leads", by: "a").map { $0["subject"] ?? "" })")
        #expect(fixture.lines("leads", by: "b").isEmpty && fixture.lines("managers", by: "b").isEmpty)
        #expect(!a.stderr.contains(AckProcessTests.slackSecret) && !b.stderr.contains(AckProcessTests.slackSecret))
        #expect(try MetricsProcessTests.scrape(fixture.ports["b"]!).contains("slawatch_acks_total{via=\"slack\"} 1"))
    }
}
