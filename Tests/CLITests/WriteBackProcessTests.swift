import Foundation
import Testing

/// A ladder step that raises priority and tags the ticket at a (fake) Zendesk.
@Suite struct WriteBackProcessTests {
    @Test func aBreachStepRaisesPriorityAndTagsTheTicketOnce() throws {
        let zendesk = try FakeZendesk()
        defer { zendesk.stop() }

        let fixture = try DaemonFixture(tickets: "[]")
        var yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        yaml = DaemonFixture.withWriteBackSteps(DaemonFixture.withZendeskSource(yaml, url: zendesk.url))
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        try "SEKRIT-ZD-TOKEN\n".write(to: fixture.directory.appendingPathComponent("token"), atomically: true, encoding: .utf8)

        // Created 10:00, first response 1 h: breached at 11:00; the daemon looks at 11:05 and 11:06.
        for instant in ["2026-11-20T11:05:00Z", "2026-11-20T11:06:00Z"] {
            let run = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", instant])
            #expect(run.status == 0, "\(run.stderr)")
            #expect(!run.stderr.contains("SEKRIT"))
        }
        let requests = try zendesk.requests()
        let writes = requests.filter { $0["method"] as? String == "PUT" }.map { "\($0["path"]!) \($0["body"]!)" }
        #expect(writes.count == 2, "\(writes)")
        #expect(writes.contains { $0.hasPrefix("/api/v2/tickets/42.json") && $0.contains("urgent") })
        #expect(writes.contains { $0.hasPrefix("/api/v2/tickets/42/tags.json") && $0.contains("sla-breached") })
    }
}
