import Foundation
import Glibc
import Testing

/// `slawatch ack` and `POST /api/v1/acks` against the real daemon, `explain` reading the
/// hold from the state while the daemon runs, and a Slack button press that updates its
/// message through `response_url` on a real loopback HTTP receiver.
@Suite(.serialized) struct AckProcessTests {
    static let actionKey = "k3y-for-signing-links-0123456789abcdef-ACK"
    static let slackSecret = "8f742231b10e8888abcd99yyyzzz85a5-SLACK"
    static let configuration = """
        poll_interval: 10m
        public_url: http://127.0.0.1:PORT
        actions:
          key_file: action-key
          slack_signing_secret_file: slack-signing
          ack_for: 1h
        sources:
          - { name: desk, type: file, path: tickets.json }
        policies:
          - name: all
            targets: { any: { first_response: 40s } }
        teams:
          default: { lead: [leads], manager: [managers] }
        ladders:
          default:
            - { at: 5%, notify: lead }
            - { at: 50%, notify: manager }
        channels:
          leads: { type: log, path: out/leads.jsonl }
          managers: { type: log, path: out/managers.jsonl }
        """

    static func tickets(created: Date) -> String {
        let stamp = APIDaemonFixture.stamp(created)
        return "[" + ["T-1", "T-2", "T-3"].map { id in
            #"{"id": "\#(id)", "subject": "Printer on fire", "status": "open", "priority": "high", "created_at": "\#(stamp)"}"#
        }.joined(separator: ",") + "]"
    }

    /// The Python receiver of the delivery tests, on loopback; its port.
    static func startReceiver() throws -> (SlawatchProcess.Running, Int) {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../DeliveryTests/Fixtures/http_receiver.py").standardized.path
        let receiver = try SlawatchProcess.start("/usr/bin/python3", ["-W", "ignore", script])
        #expect(receiver.waitForLine(containing: "PORT ", timeout: .seconds(10)))
        let line = receiver.stdout.split(separator: "\n").first { $0.hasPrefix("PORT ") } ?? ""
        return (receiver, Int(line.dropFirst(5)) ?? -1)
    }

    @Test func ackThroughTheAPIExplainAndSlackButtons() throws {
        let fixture = try APIDaemonFixture("acks", configuration: Self.configuration, tickets: Self.tickets(created: Date()))
        try (Self.actionKey + "\n").write(to: fixture.directory.appendingPathComponent("action-key"), atomically: true, encoding: .utf8)
        try (Self.slackSecret + "\n").write(to: fixture.directory.appendingPathComponent("slack-signing"), atomically: true, encoding: .utf8)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        #expect(fixture.waitForListener())
        // The 5% step (2 s) pings the leads about every ticket.
        #expect(fixture.waitFor(10) { fixture.tickets("leads").count == 3 })

        // The API: the token is needed, a body it cannot read and an unknown ticket are refused.
        let body = #"{"ticket": "T-1", "by": "dana"}"#
        #expect(try fixture.request("POST", "/api/v1/acks", json: body, token: nil).status == 401)
        let wrong = try fixture.request("POST", "/api/v1/acks", json: body, token: "wrong")
        #expect(wrong.status == 401 && wrong.body.contains("not this daemon's API token"), "\(wrong)")
        // A path asked with a method it does not take: 405, naming the ones it takes.
        let get = try fixture.request("GET", "/api/v1/acks")
        #expect(get.status == 405 && get.body.contains("this path takes POST"), "\(get)")
        #expect(try fixture.request("PUT", "/api/v1/silences", json: "{}").body.contains("takes GET, POST"))
        #expect(try fixture.request("POST", "/healthz", json: "{}").status == 405)
        #expect(try fixture.request("GET", "/api/v1/nothing").status == 404)
        #expect(try fixture.request("POST", "/api/v1/acks", json: "[1]").status == 400)
        #expect(try fixture.request("POST", "/api/v1/acks", json: #"{"ticket": "T-9", "by": "dana"}"#).status == 404)
        // An action that is neither ack nor snooze (a typo) recorded an acknowledgement of 4 h.
        let typo = try fixture.request("POST", "/api/v1/acks", json: #"{"ticket": "T-1", "by": "dana", "action": "snoze"}"#)
        #expect(typo.status == 400 && typo.body.contains("action snoze is neither ack nor snooze"), "\(typo.body)")
        let number = try fixture.request("POST", "/api/v1/acks", json: #"{"ticket": "T-1", "by": "dana", "metric": 5}"#)
        #expect(number.status == 400 && number.body.contains("metric is not a string"), "\(number.body)")
        // A numeric ticket id (as helpdesks number them) is the id, not a missing ticket.
        let numeric = try fixture.request("POST", "/api/v1/acks", json: #"{"ticket": 1001, "by": "dana"}"#)
        #expect(numeric.status == 404 && numeric.body.contains("no open clock of ticket 1001"), "\(numeric.body)")
        #expect(try fixture.query("SELECT count(*) FROM clock_hold") == ["0"])

        // slawatch ack: recorded, then already acknowledged.
        let acked = try fixture.slawatch(["ack", "--ticket", "T-1", "--by", "dana", "--for", "30m"])
        #expect(acked.status == 0, "\(acked.stderr)")
        #expect(acked.stdout.contains("desk:T-1 first_response (cycle 1): acknowledged by dana at "))
        let again = try fixture.slawatch(["ack", "--ticket", "desk:T-1", "--by", "erin"])
        #expect(again.status == 0 && again.stdout.contains("already acknowledged by dana"))
        let raw = try fixture.request("POST", "/api/v1/acks", json: #"{"ticket": "T-2", "by": "lee", "action": "snooze", "for": "10m"}"#)
        #expect(raw.status == 200)
        let answer = try #require(try JSONSerialization.jsonObject(with: Data(raw.body.utf8)) as? [String: Any])
        let snoozed = try #require((answer["acks"] as? [[String: Any]])?.first)
        #expect(snoozed["ticket"] as? String == "T-2" && snoozed["source"] as? String == "desk" && snoozed["action"] as? String == "snooze")
        #expect(snoozed["by"] as? String == "lee" && snoozed["already"] as? Bool == false)
        #expect(try fixture.query("SELECT ticket_id, metric, cycle, kind, by_name, via, until - at FROM clock_hold ORDER BY id") == [
            "T-1|first_response|1|ack|dana|api|1800", "T-2|first_response|1|snooze|lee|api|600",
        ])
        // Refusals of the command: an unknown ticket, a bad metric.
        #expect(try fixture.slawatch(["ack", "--ticket", "T-9", "--by", "dana"]).status == 66)
        #expect(try fixture.slawatch(["ack", "--ticket", "T-1", "--by", "dana", "--metric", "speed"]).status == 64)

        // The lead, already pinged, hears who acknowledged.
        #expect(fixture.waitFor(5) {
            fixture.lines("leads").contains { ($0["subject"] as? String)?.contains("acknowledged by dana") == true }
        })
        // explain reads the hold from the state while the daemon runs.
        let explained = try fixture.slawatch(["explain", "--ticket", "T-1"])
        #expect(explained.status == 0, "\(explained.stderr)")
        #expect(explained.stdout.contains("Acknowledged by dana at "))
        #expect(explained.stdout.contains("its later ladder steps are held until "))
        #expect(try fixture.slawatch(["explain", "--ticket", "T-2"]).stdout.contains("Snoozed by lee at "))

        // A Slack button: answered at once, recorded, and the message updated through response_url.
        let (receiver, receiverPort) = try Self.startReceiver()
        // The receiver may not hear SIGTERM from here.
        defer { receiver.terminate(SIGKILL) }
        let items = fixture.lines("leads").flatMap { $0["tickets"] as? [[String: Any]] ?? [] }
        let ackURL = try #require(items.first { $0["id"] as? String == "T-3" }?["ack_url"] as? String)
        let token = String(ackURL.split(separator: "/").last ?? "")
        let responseURL = "http://127.0.0.1:\(receiverPort)/slackhook/ok"
        let pressed = try SlawatchProcess.runTool("/usr/bin/python3", [
            SlawatchProcess.fixture("slack_client.py"), "http://127.0.0.1:\(fixture.port)/slack/actions", Self.slackSecret, token,
            responseURL, "roadrunner",
        ]).stdout.split(separator: "\n").map(String.init)
        #expect(pressed.first == "200")
        #expect((Double(pressed.last ?? "") ?? 99) < 3)
        var update: [String: Any]?
        #expect(fixture.waitFor(5) {
            let records = try? fixture.request("GET", "http://127.0.0.1:\(receiverPort)/_records/slackhook", token: nil)
            guard let text = records?.body, let list = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]],
                  let first = list.first, let body = first["body"] as? String else { return false }
            update = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]
            return true
        })
        let posted = try #require(update)
        #expect(posted["replace_original"] as? Bool == true)
        let blocks = try #require(posted["blocks"] as? [[String: Any]])
        #expect(blocks.count == 2 && blocks[0]["type"] as? String == "section" && blocks[1]["type"] as? String == "context")
        let note = String(describing: blocks[1]["elements"] ?? "")
        #expect(note.contains("Acknowledged by roadrunner at ") && note.contains("escalation of T-3 is held until"))
        #expect(try fixture.query("SELECT ticket_id, by_name, via FROM clock_hold WHERE ticket_id = 'T-3'") == ["T-3|roadrunner|slack"])

        // The token is checked: another configuration's token is refused (77); without
        // api_token_file the command says the API is off (78).
        try "another-token-0123456789\n".write(to: fixture.directory.appendingPathComponent("other-token"), atomically: true, encoding: .utf8)
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        let other = fixture.directory.appendingPathComponent("other.yaml").path
        try yaml.replacingOccurrences(of: "api_token_file: api-token", with: "api_token_file: other-token")
            .write(toFile: other, atomically: true, encoding: .utf8)
        #expect(try SlawatchProcess.run(["ack", "--config", other, "--ticket", "T-1", "--by", "x"]).status == 77)
        let off = fixture.directory.appendingPathComponent("off.yaml").path
        try yaml.replacingOccurrences(of: "api_token_file: api-token\n", with: "").write(toFile: off, atomically: true, encoding: .utf8)
        let refused = try SlawatchProcess.run(["ack", "--config", off, "--ticket", "T-1", "--by", "x"])
        #expect(refused.status == 78 && refused.stderr.contains("api_token_file"))

        // No daemon: 69.
        daemon.terminate()
        let down = try fixture.slawatch(["ack", "--ticket", "T-1", "--by", "dana"])
        #expect(down.status == 69 && down.stderr.contains("cannot reach the daemon"))
        for output in [daemon.stdout, daemon.stderr, acked.stdout, acked.stderr, down.stderr, explained.stdout] {
            for secret in [APIDaemonFixture.token, Self.actionKey, Self.slackSecret] { #expect(!output.contains(secret)) }
        }
    }

    @Test func aReloadPutsARotatedKeyAndTokenInForce() throws {
        let fixture = try APIDaemonFixture("rotate", configuration: Self.configuration, tickets: Self.tickets(created: Date()))
        let keyFile = fixture.directory.appendingPathComponent("action-key")
        try (Self.actionKey + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
        try (Self.slackSecret + "\n").write(to: fixture.directory.appendingPathComponent("slack-signing"), atomically: true, encoding: .utf8)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        #expect(fixture.waitForListener())
        let newKey = "a-rotated-key-for-signing-links-0123456789abcdef"
        func link(_ key: String) throws -> String {
            let expiry = String(Int(Date().timeIntervalSince1970) + 600)
            let token = try SlawatchProcess.runTool("/usr/bin/python3", [
                SlawatchProcess.fixture("action_client.py"), "sign", key, "desk", "T-1", "first_response", "1", "ack", expiry,
            ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            return "/a/" + token
        }
        #expect(try fixture.request("GET", link(Self.actionKey), token: nil).status == 200)
        #expect(try fixture.request("GET", link(newKey), token: nil).status == 403)
        #expect(try fixture.request("GET", "/api/v1/silences").status == 200)

        // The link key and the API token rotated, then SIGHUP.
        try (newKey + "\n").write(to: keyFile, atomically: true, encoding: .utf8)
        let newToken = "a-rotated-api-token-0123456789"
        try (newToken + "\n").write(to: fixture.directory.appendingPathComponent("api-token"), atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(daemon.waitForLine(containing: "configuration reloaded", stream: .stderr, timeout: .seconds(10))
            || daemon.stdout.contains("configuration reloaded"))
        #expect(try fixture.request("GET", link(newKey), token: nil).status == 200)
        #expect(try fixture.request("GET", link(Self.actionKey), token: nil).status == 403)
        #expect(try fixture.request("GET", "/api/v1/silences").status == 401)
        #expect(try fixture.request("GET", "/api/v1/silences", token: newToken).status == 200)
        daemon.terminate()
        for secret in [Self.actionKey, newKey, APIDaemonFixture.token, newToken] {
            #expect(!daemon.stdout.contains(secret) && !daemon.stderr.contains(secret))
        }
    }
}
