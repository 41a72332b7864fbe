import Foundation
import Testing

/// `slawatch evaluate` as a process, against the contract in DESIGN.md.
@Suite struct EvaluateCommandTests {
    let config = SlawatchProcess.fixture("slawatch.yaml")
    let tickets = SlawatchProcess.fixture("tickets.json")

    func evaluate(at instant: String) throws -> (SlawatchProcess.Result, [String: Any]) {
        let result = try SlawatchProcess.run([
            "evaluate", "--config", config, "--tickets", tickets, "--at", instant, "--format", "json",
        ])
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
        return (result, object)
    }

    func clock(_ object: [String: Any], _ ticket: String, _ metric: String) -> [String: Any]? {
        (object["clocks"] as? [[String: Any]])?.first { $0["ticket"] as? String == ticket && $0["metric"] as? String == metric }
    }

    @Test func jsonFollowsTheContractKeyForKey() throws {
        let (result, object) = try evaluate(at: "2026-11-25T21:00:00Z")
        #expect(result.status == 0)
        #expect(object["at"] as? String == "2026-11-25T21:00:00Z")
        // Friday 17:00 EST + 4 business hours = Monday 13:00 EST. By Wednesday 16:00 EST it has
        // run Monday 8 h + Tuesday 8 h + Wednesday 7 h = 23 business hours.
        let c = try #require(clock(object, "T-1", "first_response"))
        #expect(Set(c.keys) == [
            "ticket", "metric", "cycle", "policy", "calendar", "target_seconds", "started_at", "due_at",
            "elapsed_seconds", "paused_seconds", "remaining_seconds", "percent", "state", "next_step",
        ])
        #expect(c["cycle"] as? Int == 1)
        #expect(c["policy"] as? String == "standard")
        #expect(c["calendar"] as? String == "us-office")
        #expect(c["target_seconds"] as? Int == 14_400)
        #expect(c["started_at"] as? String == "2026-11-20T22:00:00Z")
        #expect(c["due_at"] as? String == "2026-11-23T18:00:00Z")
        #expect(c["elapsed_seconds"] as? Int == 82_800)
        #expect(c["paused_seconds"] as? Int == 0)
        #expect(c["remaining_seconds"] as? Int == -68_400)
        #expect(c["percent"] as? Double == 575.0)
        #expect(c["state"] as? String == "breached")
        // breach+2h repeats every 2 business hours: 6 h, 8 h, … 24 h is the first after 23 h,
        // reached Wednesday 17:00 EST: the ninth repeat, spelled as its key spells it.
        let next = try #require(c["next_step"] as? [String: Any])
        #expect(next["at"] as? String == "2026-11-25T22:00:00Z")
        #expect(next["step"] as? String == "breach+2h#9")
        #expect(next["notify"] as? [String] == ["director"])

        // 24 business hours: Monday, Tuesday, Wednesday to 17:00 EST; 23 h gone is 95.8%.
        let resolution = try #require(clock(object, "T-1", "resolution"))
        #expect(resolution["state"] as? String == "running")
        #expect(resolution["due_at"] as? String == "2026-11-25T22:00:00Z")
        #expect(resolution["percent"] as? Double == 95.8)
        #expect((resolution["next_step"] as? [String: Any])?["step"] as? String == "breach")
    }

    @Test func aPausedSpellAndTheMostAggressivePolicyShowUp() throws {
        let (_, object) = try evaluate(at: "2026-11-23T17:00:00Z")
        // Enterprise's 24x7 hour wins first response; it was met by the 14:30Z reply.
        let first = try #require(clock(object, "T-3", "first_response"))
        #expect(first["policy"] as? String == "enterprise")
        #expect(first["calendar"] as? String == "24x7")
        #expect(first["state"] as? String == "met")
        #expect(first["next_step"] is NSNull)
        // Resolution runs on the office calendar: 09:00–09:30 EST, paused to 11:30, running
        // since: 30 min + 30 min elapsed, 2 h paused.
        let resolution = try #require(clock(object, "T-3", "resolution"))
        #expect(resolution["elapsed_seconds"] as? Int == 3600)
        #expect(resolution["paused_seconds"] as? Int == 7200)
        #expect(resolution["state"] as? String == "running")
        // 24 h target, 1 h used, 23 h to go from 12:00 EST: 5 h Monday, 8 Tuesday, 8 Wednesday,
        // Thanksgiving skipped, the last 2 h Friday 09:00–11:00 EST.
        #expect(resolution["due_at"] as? String == "2026-11-27T16:00:00Z")
    }

    @Test func aBadRecordIsReportedWithItsLineAndTheRestAreEvaluated() throws {
        let (result, object) = try evaluate(at: "2026-11-25T21:00:00Z")
        #expect(result.status == 0)
        #expect(result.stderr.contains("\(tickets):5: ticket T-2: created_at: \"not a time\" is not an RFC 3339 time"))
        let ids = Set((object["clocks"] as? [[String: Any]] ?? []).compactMap { $0["ticket"] as? String })
        #expect(ids == ["T-1", "T-3"])
    }

    @Test func tableIsTheDefaultFormat() throws {
        let result = try SlawatchProcess.run(["evaluate", "--config", config, "--tickets", tickets, "--at", "2026-11-25T21:00:00Z"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.first == "Clocks at 2026-11-25T21:00:00Z")
        #expect(lines.contains { $0.hasPrefix("T-1") && $0.contains("first_response") && $0.contains("breached") })
    }

    @Test func theTableSaysBusinessTimeAndCapsAbsurdShares() throws {
        // T-1's first response (4 business hours) a year later: thousands of percent.
        let result = try SlawatchProcess.run(["evaluate", "--config", config, "--tickets", tickets, "--at", "2027-11-25T21:00:00Z"])
        #expect(result.status == 0)
        let lines = result.stdout.split(separator: "\n").map(String.init)
        #expect(lines[1].contains("REMAINING (BUSINESS)") && lines[1].contains("USED OF TARGET"), "\(lines[1])")
        let row = try #require(lines.first { $0.hasPrefix("T-1") && $0.contains("first_response") })
        #expect(row.contains(">999%"), "\(row)")
        #expect(!row.contains("00.0%"))
        #expect(lines.last == "REMAINING and USED count business time, inside each clock's calendar's open hours.")
    }

    @Test func aConfigurationErrorExits78WithFileLineAndColumn() throws {
        let bad = SlawatchProcess.fixture("bad.yaml")
        let result = try SlawatchProcess.run(["evaluate", "--config", bad, "--tickets", tickets])
        #expect(result.status == 78)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(bad):6:13:"))
        #expect(result.stderr.contains("\"9-5\""))
        #expect(result.stderr.contains("\(bad):9:15:"))
        #expect(result.stderr.contains("us-ofice"))
    }

    @Test func aBadInstantIsAUsageError() throws {
        let result = try SlawatchProcess.run(["evaluate", "--config", config, "--tickets", tickets, "--at", "tomorrow"])
        #expect(result.status == 64)
        #expect(result.stderr.contains("--at: \"tomorrow\" is not an RFC 3339 time"))
    }

    @Test func anUnreadableTicketsFileExits66() throws {
        let result = try SlawatchProcess.run(["evaluate", "--config", config, "--tickets", "/nonexistent.json"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("/nonexistent.json"))
    }

    /// A tickets array cut short is unreadable as a whole, named by its line; not a file of
    /// the tickets before the cut, nor a file of none.
    @Test func aTicketsArrayCutShortExits66NamingTheLine() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-cut-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let whole = try String(contentsOfFile: tickets, encoding: .utf8)
        let cut = directory.appendingPathComponent("cut.json").path
        try String(whole[..<whole.lastIndex(of: "]")!]).write(toFile: cut, atomically: true, encoding: .utf8)
        let lines = whole[..<whole.lastIndex(of: "]")!].split(separator: "\n", omittingEmptySubsequences: false).count
        let result = try SlawatchProcess.run(["evaluate", "--config", config, "--tickets", cut])
        #expect(result.status == 66)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(cut):\(lines): the array is not closed; end it with ]; no ticket of the file was read"), "\(result.stderr)")
    }

    /// The first source that could not be read stopped the command, and the sources after
    /// it were never read: one down source hid every other's clocks.
    @Test func aSourceThatCannotBeReadLeavesOutItsTicketsOnly() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 2, base: Date()))
        var yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        yaml = yaml.replacingOccurrences(of: """
              - name: file
                type: file
                path: tickets.json
            """, with: """
              - name: gone
                type: file
                path: missing.json
              - name: file
                type: file
                path: tickets.json
            """)
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let result = try SlawatchProcess.run(["evaluate", "--config", fixture.config])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("missing.json: cannot read the tickets file") && result.stderr.contains("its tickets are left out"),
                "\(result.stderr)")
        #expect(result.stdout.contains("T-0") && result.stdout.contains("T-1"), "\(result.stdout)")
        // None readable at all: 66, as before.
        try FileManager.default.removeItem(at: fixture.directory.appendingPathComponent("tickets.json"))
        #expect(try SlawatchProcess.run(["evaluate", "--config", fixture.config]).status == 66)
    }

    /// A helpdesk asking to wait (429 with `Retry-After`) held `evaluate` silent for as
    /// long as it asked, up to two minutes a request: the wait is now said as it begins.
    @Test func aWaitTheHelpdeskAsksForIsSaid() throws {
        let zendesk = try FakeZendesk(scenario: "vendors/daemon_rate_limited.json")
        defer { zendesk.stop() }
        let fixture = try WriteBackProcessTests.fixture(writingBackTo: zendesk)
        let result = try SlawatchProcess.run(["evaluate", "--config", fixture.config, "--at", "2026-11-20T11:05:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.contains("waiting 5 s before the next request to 127.0.0.1: HTTP 429, which asks to wait that long"),
                "\(result.stderr)")
        #expect(result.stdout.contains("42"))
        // The daemon logs it too.
        let again = try FakeZendesk(scenario: "vendors/daemon_rate_limited.json")
        defer { again.stop() }
        let daemon = try WriteBackProcessTests.fixture(writingBackTo: again)
        let run = try SlawatchProcess.run(["run", "--once", "--config", daemon.config])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("waiting 5 s before the next request to 127.0.0.1: HTTP 429"), "\(run.stderr)")
    }

    /// A note about the source (a lookup refused) ended in "(record skipped)", though no
    /// record was; only a record's problem says so.
    @Test func aNoteAboutTheSourceIsNotCalledASkippedRecord() throws {
        let zendesk = try FakeZendesk(scenario: "vendors/daemon_metric_refused.json")
        defer { zendesk.stop() }
        let fixture = try WriteBackProcessTests.fixture(writingBackTo: zendesk)
        let result = try SlawatchProcess.run(["evaluate", "--config", fixture.config, "--at", "2026-11-20T11:05:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        let note = try #require(result.stderr.split(separator: "\n").first { $0.contains("ticket metric events") }, "\(result.stderr)")
        #expect(!note.contains("(record skipped)"), "\(note)")
        #expect(result.stdout.contains("42"))
    }
}
