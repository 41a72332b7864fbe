import Foundation
import Testing

/// `slawatch report` without `--tickets`: the clock outcomes the daemon recorded, read
/// while it runs. The daemon is the real binary.
@Suite(.serialized) struct ReportStateProcessTests {
    /// The report fixture in a directory of its own, with a state and a file source.
    struct Fixture {
        let directory: URL
        var config: String { directory.appendingPathComponent("slawatch.yaml").path }
        var tickets: String { directory.appendingPathComponent("tickets.json").path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-state-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let yaml = """
                state: state.db
                listen: 127.0.0.1:0
                sources:
                  - name: helpdesk
                    type: file
                    path: tickets.json

                """ + (try String(contentsOfFile: SlawatchProcess.fixture("report/slawatch.yaml"), encoding: .utf8))
            try yaml.write(toFile: config, atomically: true, encoding: .utf8)
            try FileManager.default.copyItem(atPath: SlawatchProcess.fixture("report/tickets.json"), toPath: tickets)
        }

        func report(_ extra: [String], tickets: Bool = false) throws -> SlawatchProcess.Result {
            try SlawatchProcess.run(["report", "--config", config, "--format", "json"] + (tickets ? ["--tickets", self.tickets] : []) + extra)
        }

        func remove() { try? FileManager.default.removeItem(at: directory) }
    }

    static func object(_ result: SlawatchProcess.Result) -> NSDictionary? {
        (try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) as? NSDictionary
    }

    @Test func theRecordedOutcomesGiveTheSameReportAsTheTickets() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let tick = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "2026-12-01T00:00:00Z"])
        #expect(tick.status == 0, "\(tick.stderr)")
        let period = ["--since", "2026-10-19T00:00:00Z", "--until", "2026-12-01T00:00:00Z", "--at", "2026-12-01T00:00:00Z"]
        for by in ["priority", "week", "team,tier", "customer,metric", "channel,group"] {
            let stored = try fixture.report(period + ["--by", by])
            #expect(stored.status == 0, "\(stored.stderr)")
            let computed = try fixture.report(period + ["--by", by], tickets: true)
            #expect(Self.object(stored) != nil)
            #expect(Self.object(stored) == Self.object(computed), "--by \(by)")
        }
        // Hand-computed (see ReportCommandTests): 13 clocks, 5 met.
        let total = Self.object(try fixture.report(period))?["total"] as? [String: Any]
        #expect(total?["measured"] as? Int == 13)
        #expect(total?["achieved"] as? Int == 5)
    }

    /// A breach is recorded when it happens and updated on fulfilment; a report judges it as
    /// it stood at `--at`, and the tickets file changing later does not rewrite history.
    @Test func aBreachIsUpdatedOnFulfilmentAndReadAsItStoodAtAt() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        #expect(try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "2026-12-01T00:00:00Z"]).status == 0)
        // T6 is answered on Tuesday 2026-12-01 at 10:00 EST.
        var text = try String(contentsOfFile: fixture.tickets, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "\"created_at\": \"2026-11-24T14:00:00Z\"}",
            with: "\"created_at\": \"2026-11-24T14:00:00Z\", \"first_response_at\": \"2026-12-01T15:00:00Z\"}")
        try text.write(toFile: fixture.tickets, atomically: true, encoding: .utf8)
        #expect(try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "2026-12-02T00:00:00Z"]).status == 0)

        // Judged before the answer, T6 is open past due in November; judged after, it counts
        // in December, when it was fulfilled, as missed.
        let before = Self.object(try fixture.report([
            "--since", "2026-11-01T00:00:00Z", "--until", "2026-12-01T00:00:00Z", "--at", "2026-11-30T00:00:00Z", "--by", "customer",
        ]))
        let initech = (before?["rows"] as? [[String: Any]])?.first { ($0["group"] as? [String: Any])?["customer"] as? String == "initech" }
        #expect(initech?["breached"] as? Int == 1)
        #expect(initech?["p50_seconds"] is NSNull)
        let after = Self.object(try fixture.report([
            "--since", "2026-12-01T00:00:00Z", "--until", "2026-12-02T00:00:00Z", "--at", "2026-12-02T00:00:00Z", "--by", "customer",
        ]))
        let rows = after?["rows"] as? [[String: Any]] ?? []
        #expect(rows.count == 1)
        // Tue 24th 8 h, Wed 8 h, Thanksgiving closed, Fri 8 h, Mon 8 h, Tue 1 h: 33 business hours,
        // 29 past the 4-hour target.
        #expect((rows.first?["group"] as? [String: Any])?["customer"] as? String == "initech")
        #expect(rows.first?["breached"] as? Int == 1)
        #expect(rows.first?["p50_seconds"] as? Int == 118_800)
        #expect(rows.first?["overshoot_avg_seconds"] as? Double == 104_400)
    }

    @Test func reportReadsTheStateWhileTheDaemonHoldsIt() throws {
        let fixture = try Fixture()
        defer { fixture.remove() }
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        #expect(daemon.waitForLine(containing: "tick", stream: .stderr))
        let period = ["--since", "2026-10-19T00:00:00Z", "--until", "2026-12-01T00:00:00Z"]
        let stored = try fixture.report(period + ["--by", "priority"])
        #expect(stored.status == 0, "\(stored.stderr)")
        #expect(Self.object(stored) == Self.object(try fixture.report(period + ["--by", "priority"], tickets: true)))
        #expect(daemon.process.isRunning)
    }
}
