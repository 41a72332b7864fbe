import Foundation
import Testing

/// A ladder step that raises priority and tags the ticket at a (fake) Zendesk.
@Suite struct WriteBackProcessTests {
    @Test func aBreachStepRaisesPriorityAndTagsTheTicketOnce() throws {
        let zendesk = try FakeZendesk()
        defer { zendesk.stop() }

        let fixture = try Self.fixture(writingBackTo: zendesk)

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

    /// The daemon fixture with a Zendesk source at `zendesk` that writes back, and a breach
    /// step that raises the priority and tags the ticket.
    static func fixture(writingBackTo zendesk: FakeZendesk) throws -> DaemonFixture {
        let fixture = try DaemonFixture(tickets: "[]")
        var yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        yaml = DaemonFixture.withWriteBackSteps(DaemonFixture.withZendeskSource(yaml, url: zendesk.url))
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        try "SEKRIT-ZD-TOKEN\n".write(to: fixture.directory.appendingPathComponent("token"), atomically: true, encoding: .utf8)
        return fixture
    }

    /// A dry run changed tickets at the helpdesk, though it promises to write nothing.
    @Test func aDryRunLeavesTheHelpdeskUnchanged() throws {
        let zendesk = try FakeZendesk()
        defer { zendesk.stop() }
        let fixture = try Self.fixture(writingBackTo: zendesk)
        let run = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--dry-run", "--at", "2026-11-20T11:05:00Z"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try zendesk.requests().filter { $0["method"] as? String == "PUT" }.isEmpty)
        #expect(run.stderr.contains("dry run: the helpdesk is left unchanged"), "\(run.stderr)")
        #expect(run.stderr.contains("priority=urgent") && run.stderr.contains("tag=sla-breached"), "\(run.stderr)")
    }

    /// A helpdesk slow to answer a write held the tick (172 s with two tickets), so
    /// READY=1 and the watchdog's pings waited on it.
    @Test func aSlowHelpdeskHoldsBackNoTick() throws {
        let zendesk = try FakeZendesk(scenario: "vendors/daemon_writeback_slow.json")
        defer { zendesk.stop() }
        let fixture = try Self.fixture(writingBackTo: zendesk)
        // On the real clock the ticket is long past breach+2h, the step its catch-up fires.
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try yaml.replacingOccurrences(of: "    - at: breach+2h\n      notify: director", with: "    - at: breach+2h\n      notify: director\n      add_tag: sla-late")
            .write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        // The first tick ends, and says so, while the helpdesk still holds the write (60 s).
        #expect(daemon.waitForLine(containing: " tick ", stream: .stderr, timeout: .seconds(20)), "\(daemon.stderr)")
        let tick = try #require(daemon.stderr.split(separator: "\n").first { $0.contains(" tick ") })
        let writeBack = try #require(tick.range(of: "write_back=").map { Double(tick[$0.upperBound...].prefix { $0 != " " && $0 != "\"" }) ?? -1 })
        #expect(writeBack >= 0 && writeBack < 1, "\(tick)")
        // The write is under way meanwhile.
        var started = false
        for _ in 0..<100 where !started {
            started = try zendesk.requests().contains { $0["method"] as? String == "PUT" }
            if !started { usleep(100_000) }
        }
        #expect(started, "the write was not even started")
    }
}
