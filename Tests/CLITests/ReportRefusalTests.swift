import Foundation
import Testing

/// What `slawatch report` and `check` refuse, with the exit status and a message that
/// names what is wrong.
@Suite struct ReportRefusalTests {
    let config = SlawatchProcess.fixture("report/slawatch.yaml")
    let tickets = SlawatchProcess.fixture("report/tickets.json")

    func report(_ arguments: [String], config: String? = nil) throws -> SlawatchProcess.Result {
        try SlawatchProcess.run(["report", "--config", config ?? self.config] + arguments)
    }

    func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("report-refusal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    @Test func sinceAfterUntilIsAUsageError() throws {
        let result = try report(["--tickets", tickets, "--since", "2026-12-01T00:00:00Z", "--until", "2026-11-01T00:00:00Z"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--since (2026-12-01T00:00:00Z) is not before --until (2026-11-01T00:00:00Z)"))
    }

    @Test func anUnknownGroupingKeyIsAUsageErrorNamingTheKnownOnes() throws {
        let result = try report(["--tickets", tickets, "--since", "2026-11-01T00:00:00Z", "--until", "2026-12-01T00:00:00Z",
                                 "--by", "priority,region"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--by: \"region\" is not a key to group by; use any of priority, group, channel, tier, metric, customer, team, week"))
        let badTime = try report(["--tickets", tickets, "--since", "last monday", "--until", "2026-12-01T00:00:00Z"])
        #expect(badTime.status == 64)
        #expect(badTime.stderr.contains("--since: \"last monday\" is not an RFC 3339 time"))
    }

    @Test func unreadableTicketsExit66() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("nope.json").path
        var result = try report(["--tickets", missing, "--since", "2026-11-01T00:00:00Z", "--until", "2026-12-01T00:00:00Z"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("\(missing): cannot read the tickets file"))
        let garbage = directory.appendingPathComponent("garbage.json")
        try Data("this is not JSON\n".utf8).write(to: garbage)
        result = try report(["--tickets", garbage.path, "--since", "2026-11-01T00:00:00Z", "--until", "2026-12-01T00:00:00Z"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("\(garbage.path): no ticket could be read"))
    }

    /// A state database whose schema this slawatch does not know, or has not migrated yet.
    @Test(arguments: [
        (["v1", "v2", "v3", "v5-clock-outcomes", "v9-from-the-future"], "written by a newer slawatch (schema v9-from-the-future"),
        (["v1", "v2", "v3"], "written by an older slawatch (it lacks schema"),
    ])
    func aStateFromAnotherVersionExits69(migrations: [String], message: String) throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let state = directory.appendingPathComponent("state.db").path
        let values = migrations.map { "('\($0)')" }.joined(separator: ",")
        let made = try SlawatchProcess.runTool("/usr/bin/python3", ["-c", """
            import sqlite3, sys
            db = sqlite3.connect(sys.argv[1])
            db.execute("CREATE TABLE grdb_migrations (identifier TEXT NOT NULL PRIMARY KEY)")
            db.execute("INSERT INTO grdb_migrations VALUES \(values)")
            db.commit()
            """, state])
        #expect(made.status == 0, "\(made.stderr)")
        let yaml = directory.appendingPathComponent("slawatch.yaml")
        try Data(("state: \(state)\n" + (try String(contentsOfFile: config, encoding: .utf8))
            .replacingOccurrences(of: "path: leads.jsonl", with: "path: \(directory.path)/leads.jsonl")).utf8).write(to: yaml)
        let result = try report(["--since", "2026-11-01T00:00:00Z", "--until", "2026-12-01T00:00:00Z"], config: yaml.path)
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("\(state): the state database was \(message)"))
    }

    @Test func noStateYetExits69() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = directory.appendingPathComponent("slawatch.yaml")
        try Data(("state: \(directory.path)/state.db\n" + (try String(contentsOfFile: config, encoding: .utf8))).utf8).write(to: yaml)
        let result = try report(["--since", "2026-11-01T00:00:00Z", "--until", "2026-12-01T00:00:00Z"], config: yaml.path)
        #expect(result.status == 69)
        #expect(result.stderr.contains("there is no state database"))
        #expect(!FileManager.default.fileExists(atPath: "\(directory.path)/state.db"), "report creates nothing")
    }

    /// `check` refuses bad credit rules and scheduled reports at their place in the file;
    /// `report` refuses the same file with 78.
    @Test func checkRefusesBadCreditsAndReportsWithTheirPlace() throws {
        let directory = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = directory.appendingPathComponent("slawatch.yaml")
        try Data("""
            policies:
              - name: p
                targets:
                  any: { first_response: 1h }
            channels:
              leads: { type: log, path: \(directory.path)/leads.jsonl }
            credits:
              enterprise: { target: 95, per_point: 10%, cap: 150% }
              gold: { per_point: 1%, rate: 2 }
            reports:
              - every: week
                at: "monday 9am"
                to: [leads]
              - every: month
                at: "31 09:00"
                to: [nobody]
                by: [priority, region]
              - every: fortnight
                at: "mon 09:00"
                to: [leads]
                calendar: office

            """.utf8).write(to: yaml)
        let check = try SlawatchProcess.run(["check", "--config", yaml.path])
        #expect(check.status == 78)
        let file = yaml.path
        for line in [
            "\(file):8:25: credits.enterprise.target: \"95\" is not a percentage; write one such as 95%",
            "\(file):8:50: credits.enterprise.cap: \"150%\" is not between 0% and 100%",
            "\(file):9:26: credits.gold.rate: unknown key",
            "\(file):9:3: credits.gold.target: is missing; add target: 95%",
            "\(file):12:9: reports[0].at: \"monday 9am\" is not a day and a time; write \"mon 09:00\"",
            "\(file):15:9: reports[1].at: \"31\" is not a day from 1 to 28",
            "\(file):16:10: reports[1].to[0]: no channel is named \"nobody\"",
            "\(file):17:20: reports[1].by[1]: \"region\" is not a key to group by",
            "\(file):18:12: reports[2].every: \"fortnight\" is not a report period",
            "\(file):21:15: reports[2].calendar: no calendar is named \"office\"",
        ] {
            #expect(check.stderr.contains(line), "missing: \(line)\n\(check.stderr)")
        }
        let result = try report(["--tickets", tickets, "--since", "2026-11-01T00:00:00Z", "--until", "2026-12-01T00:00:00Z"],
                                config: yaml.path)
        #expect(result.status == 78)
    }
}
