import Foundation
import Testing

/// `reports:`: a compliance report sent on a schedule through the outbox, once per period,
/// whatever restarts happen in between. The daemon is the real binary; the channel a
/// `log` channel whose lines are read back.
@Suite(.serialized) struct ScheduledReportProcessTests {
    struct Fixture {
        let directory: URL
        var config: String { directory.appendingPathComponent("slawatch.yaml").path }
        var log: String { directory.appendingPathComponent("leads.jsonl").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("scheduled-report-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let yaml = """
                state: state.db
                listen: 127.0.0.1:0
                sources:
                  - name: helpdesk
                    type: file
                    path: tickets.json
                reports:
                  - name: weekly
                    every: week
                    at: "mon 09:00"
                    calendar: us-office
                    by: [priority]
                    to: [leads]

                """ + (try String(contentsOfFile: SlawatchProcess.fixture("report/slawatch.yaml"), encoding: .utf8))
            try yaml.write(toFile: config, atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(
                atPath: SlawatchProcess.fixture("report/tickets.json"), toPath: directory.appendingPathComponent("tickets.json").path)
        }

        /// The report lines the log channel holds, in order.
        func reports() -> [[String: Any]] {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            return text.split(separator: "\n").compactMap { line in
                (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
            }.filter { ($0["key"] as? String)?.hasPrefix("report/") == true }
        }

        func tick(at instant: String) throws {
            let result = try SlawatchProcess.run(["run", "--config", config, "--once", "--at", instant])
            #expect(result.status == 0, "\(result.stderr)")
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    @Test func oncePerPeriodAcrossRestartsAtChosenInstants() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        // Monday 2026-11-30 08:59 EST: the latest report due was for week 47.
        try fixture.tick(at: "2026-11-30T13:59:00Z")
        #expect(fixture.reports().map { $0["key"] as? String } == ["report/weekly/2026-W47@leads"])
        // 09:00 EST: week 48 is due; three more runs, each a new process, add nothing.
        for instant in ["2026-11-30T14:00:00Z", "2026-11-30T14:01:00Z", "2026-12-01T00:00:00Z", "2026-12-06T23:00:00Z"] {
            try fixture.tick(at: instant)
        }
        let reports = fixture.reports()
        #expect(reports.map { $0["key"] as? String } == ["report/weekly/2026-W47@leads", "report/weekly/2026-W48@leads"])
        // Week 48 (Monday 23 to Monday 30, New York): T1 and T5 met; T2, T3 missed; T3's
        // resolution and T6 open past due; hand-counted as in ReportCommandTests.
        let week48 = try #require(reports.last)
        #expect(week48["subject"] as? String == "SLA compliance 2026-W48: 33.3% achieved, 4 breached")
        let text = try #require(week48["text"] as? String)
        #expect(text.contains("SLA compliance for 2026-W48 (2026-11-23 to 2026-11-30, America/New_York)"))
        #expect(text.contains("Achieved 33.3%: 2 of 6 met, 4 breached"))
        #expect(text.contains("- urgent: 50.0% of 2, 1 breached"))
        #expect(text.contains("- high: 0.0% of 2, 2 breached"))
        #expect(text.contains("- normal: 50.0% of 2, 1 breached"))
        #expect(text.contains("Service credits: acme 50.0%"))
    }

    @Test func theRunningDaemonSendsTheLatestPeriodOnceAcrossARestart() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        for run in 1...2 {
            let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
            #expect(daemon.waitForLine(containing: "tick", stream: .stderr))
            let deadline = ContinuousClock.now + .seconds(10)
            while fixture.reports().isEmpty && ContinuousClock.now < deadline { usleep(50_000) }
            #expect(daemon.terminate() == 0, "run \(run): \(daemon.stderr)")
            #expect(fixture.reports().count == 1, "run \(run)")
        }
        // The real clock's latest Monday 09:00 in New York names the period.
        let key = try #require(fixture.reports().first?["key"] as? String)
        #expect(key.hasPrefix("report/weekly/") && key.hasSuffix("@leads"))
    }
}
