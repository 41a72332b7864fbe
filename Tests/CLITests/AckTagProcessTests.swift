import Foundation
import Testing

/// `actions.ack_tag`: an acknowledgement through a signed link tags the ticket at its
/// helpdesk (a fake Zendesk), on a source with `write_back: true`, once.
@Suite(.serialized) struct AckTagProcessTests {
    @Test func anAcknowledgementTagsTheTicketAtTheHelpdesk() throws {
        let zendesk = try FakeZendesk()
        defer { zendesk.stop() }

        let (directory, port, config) = try Self.configure(zendesk)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config])
        defer { _ = daemon.terminate() }
        #expect(daemon.waitForLine(containing: "tick", stream: .stderr))
        let fixture = try ActionLinkProcessTests.Fixture(reading: directory, port: port)
        let link = try fixture.sign(ActionLinkProcessTests.key, ticket: "42", expiry: Date() + 3600)
        // Signed for source `desk`, ticket 42, first_response, cycle 1.
        let posted = try fixture.request("POST", "http://127.0.0.1:\(port)/a/\(link)", form: "by=dana")
        #expect(posted.status == 200, "\(posted.body)")
        #expect(daemon.waitForLine(containing: "ticket tagged", stream: .stderr, timeout: .seconds(10)))
        let again = try fixture.request("POST", "http://127.0.0.1:\(port)/a/\(link)", form: "by=dana")
        #expect(again.body.contains("lready acknowledged"), "\(again.body)")
        usleep(500_000)

        let requests = try zendesk.requests()
        let tags = requests.filter { $0["method"] as? String == "PUT" && ($0["path"] as? String ?? "").hasPrefix("/api/v2/tickets/42/tags.json") }
        // Tagged once: the second POST changed nothing.
        #expect(tags.count == 1, "\(requests.map { "\($0["method"]!) \($0["path"]!)" })")
        #expect((tags.first?["body"] as? String)?.contains("sla-acked") == true, "\(tags)")
        #expect(!daemon.stderr.contains("SEKRIT"))
        // Counted once, as an answer through a link.
        let metrics = try MetricsProcessTests.scrape(port)
        #expect(metrics.contains("slawatch_acks_total{via=\"link\"} 1"), "\(metrics)")
        #expect(metrics.contains("slawatch_acks_total{via=\"api\"} 0"), "\(metrics)")
    }

    /// An acknowledgement whose tagging failed (the helpdesk refused it once) is tagged by
    /// the next tick of the daemon that leads: here the first tick of the daemon started
    /// again, as after a failover to a daemon that was not told of it.
    @Test func anAcknowledgementNotYetTaggedIsTaggedByTheNextTick() throws {
        let zendesk = try FakeZendesk(scenario: "vendors/daemon_writeback_refused_once.json")
        defer { zendesk.stop() }
        let (directory, port, config) = try Self.configure(zendesk)
        let first = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config])
        #expect(first.waitForLine(containing: "tick", stream: .stderr))
        let fixture = try ActionLinkProcessTests.Fixture(reading: directory, port: port)
        let link = try fixture.sign(ActionLinkProcessTests.key, ticket: "42", expiry: Date() + 3600)
        let posted = try fixture.request("POST", "http://127.0.0.1:\(port)/a/\(link)", form: "by=dana")
        #expect(posted.status == 200, "\(posted.body)")
        #expect(first.waitForLine(containing: "write-back failed", stream: .stderr, timeout: .seconds(10)), "\(first.stderr)")
        #expect(first.terminate() == 0)
        #expect(!first.stderr.contains("ticket tagged"))

        let second = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", config])
        defer { _ = second.terminate() }
        #expect(second.waitForLine(containing: "ticket tagged", stream: .stderr, timeout: .seconds(20)), "\(second.stderr)")
        usleep(500_000)
        let tags = try zendesk.requests().filter {
            $0["method"] as? String == "PUT" && ($0["path"] as? String ?? "").hasPrefix("/api/v2/tickets/42/tags.json")
        }
        // Refused once, then tagged once.
        #expect(tags.count == 2)
        #expect(tags.allSatisfy { ($0["body"] as? String)?.contains("sla-acked") == true }, "\(tags)")
        #expect(!second.stderr.contains("SEKRIT") && !first.stderr.contains("SEKRIT"))
    }

    /// A daemon on ticket 42 of `zendesk`, acknowledged through signed links and tagged
    /// with `sla-acked`; the directory, the listener's port and the configuration's path.
    static func configure(_ zendesk: FakeZendesk) throws -> (directory: URL, port: Int, config: String) {
        // Ticket 42 at the fake Zendesk has had no first response since 2026-11-20: long breached.
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-acktag-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let port = ActionLinkProcessTests.freePort()
        try (ActionLinkProcessTests.key + "\n").write(to: directory.appendingPathComponent("action-key"), atomically: true, encoding: .utf8)
        try "SEKRIT-ZD-TOKEN\n".write(to: directory.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("slawatch.yaml").path
        try """
            state: state.db
            poll_interval: 10m
            listen: 127.0.0.1:\(port)
            public_url: http://127.0.0.1:\(port)
            actions:
              key_file: action-key
              ack_tag: sla-acked
            sources:
              - name: desk
                type: zendesk
                url: \(zendesk.url)
                email: agent@example.com
                token_file: token
                write_back: true
            policies:
              - name: all
                targets: { any: { first_response: 1h } }
            teams:
              default: { manager: [managers] }
            ladders:
              default:
                - { at: breach, notify: manager }
            channels:
              managers: { type: log, path: out/managers.jsonl }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try SlawatchProcess.run(["check", "--config", config]).status == 0)

        return (directory, port, config)
    }
}

extension ActionLinkProcessTests.Fixture {
    /// The link helpers (sign, request) for a daemon set up elsewhere.
    init(reading directory: URL, port: Int) {
        self.directory = directory
        self.port = port
    }
}
