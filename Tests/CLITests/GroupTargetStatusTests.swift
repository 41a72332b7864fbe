import Foundation
import Testing

/// A group target (`group_response`) on the live status page and in `GET /api/v1/clocks`,
/// beside the customer's clocks, through the real daemon.
@Suite(.serialized) struct GroupTargetStatusTests {
    @Test func aBreachedGroupTargetIsOnTheStatusPage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("status-ola-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let port = try MetricsProcessTests.freePort()
        try """
            state: state.db
            listen: 127.0.0.1:\(port)
            sources:
              - { name: desk, type: file, path: tickets.json }
            policies:
              - name: around-the-clock
                targets: { any: { first_response: 8h } }
                group_targets:
                  Engineering: { group_response: 1h }
            teams:
              default: { lead: [leads] }
            channels:
              leads: { type: log, path: leads.jsonl }
            ladders:
              default:
                - { at: breach, notify: lead }
            """.write(to: directory.appendingPathComponent("slawatch.yaml"), atomically: true, encoding: .utf8)
        // Opened three hours ago (first response: 3 h of 8, not at risk), in Engineering for
        // the last two with no reply from it: two hours against one.
        let now = Date()
        func ago(_ minutes: Double) -> String { ISO8601DateFormatter().string(from: now - minutes * 60) }
        try """
            [{"id": "OLA-1", "subject": "Webhook retries", "group": "Engineering", "status": "open", "created_at": "\(ago(180))",
              "events": [{"at": "\(ago(180))", "type": "customer_message"},
                         {"at": "\(ago(180))", "type": "group", "group": "Support"},
                         {"at": "\(ago(120))", "type": "group", "group": "Engineering"}]}]
            """.write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, [
            "run", "--config", directory.appendingPathComponent("slawatch.yaml").path,
        ])
        defer { _ = daemon.terminate() }
        #expect(daemon.waitForLine(containing: "tick", stream: .stderr))

        let api = try SlawatchProcess.runTool("/usr/bin/curl", ["-s", "http://127.0.0.1:\(port)/api/v1/clocks"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(api.stdout.utf8)) as? [String: Any], "\(api.stdout)")
        let clocks = try #require(object["clocks"] as? [[String: Any]])
        #expect(clocks.map { "\($0["ticket"]!) \($0["metric"]!) \($0["state"]!)" } == ["OLA-1 group_response breached"], "\(clocks)")
        #expect((clocks.first?["percent"] as? Double).map { $0 >= 199 && $0 <= 201 } == true, "\(clocks)")
        let page = try SlawatchProcess.runTool("/usr/bin/curl", ["-s", "http://127.0.0.1:\(port)/status"])
        #expect(page.stdout.contains("OLA-1"))
        // In words, naming the group whose target it is.
        #expect(page.stdout.contains("group response (Engineering)"), "\(page.stdout.prefix(3000))")
    }
}
