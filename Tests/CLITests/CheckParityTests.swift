import Foundation
import Testing

/// `check` runs every validation `run` runs: what `check` passes, `run` starts with, and
/// what `run` refuses, `check` has already reported at its place in the file.
@Suite struct CheckParityTests {
    /// A daemon configuration with `extra` appended and `listen` replaced.
    func fixture(listen: String = "127.0.0.1:0", _ extra: String = "") throws -> DaemonFixture {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 2, base: Date()), extraConfig: extra)
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
            .replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: \"\(listen)\"")
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        return fixture
    }

    func lineNumber(of text: String, in fixture: DaemonFixture) throws -> Int {
        let lines = try String(contentsOfFile: fixture.config, encoding: .utf8).components(separatedBy: "\n")
        return try #require(lines.firstIndex { $0.contains(text) }) + 1
    }

    @Test func checkAcceptsATimeZoneICUDoesNotList() throws {
        let fixture = try DaemonFixture(tickets: "[]", extraConfig: """
            calendars:
              india:
                timezone: Asia/Kolkata
                week: { mon-fri: ["09:30-18:00"] }
              old-name:
                timezone: Asia/Calcutta
                week: { mon-fri: ["09:30-18:00"] }
            """)
        let result = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "ok\n")
        let line = try lineNumber(of: "timezone: Asia/Calcutta", in: fixture)
        #expect(result.stderr.contains("\(fixture.config):\(line):15: calendars.old-name.timezone: warning: "), "\(result.stderr)")
        #expect(result.stderr.contains("write Asia/Kolkata"))
        #expect(!result.stderr.contains("calendars.india"))
    }

    /// An event with a time of day in a holiday file was skipped without a word, so the
    /// hours someone meant to close stayed open.
    @Test func aHolidayFileEventWithATimeOfDayIsNamedByCheckAndRun() throws {
        let fixture = try DaemonFixture(tickets: "[]", extraConfig: """
            calendars:
              office:
                timezone: Europe/Berlin
                week: { mon-fri: ["09:00-17:00"] }
                holiday_files: [office.ics]
            """)
        let ics = [
            "BEGIN:VCALENDAR", "BEGIN:VEVENT", "DTSTART;VALUE=DATE:20261225", "SUMMARY:Christmas Day", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART:20261224T120000Z", "DTEND:20261224T170000Z", "SUMMARY:Christmas Eve afternoon", "END:VEVENT",
            "BEGIN:VEVENT", "DTSTART:20261231T120000Z", "STATUS:CANCELLED", "END:VEVENT", "END:VCALENDAR",
        ]
        let directory = (fixture.config as NSString).deletingLastPathComponent
        try ics.joined(separator: "\r\n").write(toFile: directory + "/office.ics", atomically: true, encoding: .utf8)
        let line = try lineNumber(of: "holiday_files: [office.ics]", in: fixture)
        let warning = "\(fixture.config):\(line):21: calendars.office.holiday_files[0]: warning: holiday file office.ics: "
            + "an event with a time of day is not a holiday and skipped: line 6 (\"Christmas Eve afternoon\"); "
        let check = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains(warning), "\(check.stderr)")
        // The cancelled event is no holiday either, and not worth a word.
        #expect(!check.stderr.contains("line 11"), "\(check.stderr)")
        let run = try SlawatchProcess.run(["run", "--once", "--config", fixture.config])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.contains("an event with a time of day is not a holiday and skipped: line 6"), "\(run.stderr)")
    }

    /// A short day written under `holidays:` lost to a holiday file closing the same date,
    /// without a word: the office's own hours on Christmas Eve were never counted.
    @Test func aShortDayWrittenStandsOverAHolidayFilesClosure() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-shortday-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try """
            calendars:
              office:
                timezone: Europe/Berlin
                week: { mon-fri: ["09:00-17:00"] }
                holidays:
                  - { date: 2026-12-24, hours: ["09:00-12:00"], name: Christmas Eve }
                holiday_files: [public.ics]
            policies:
              - name: all
                calendar: office
                targets: { any: { first_response: 2h } }
            """.write(to: directory.appendingPathComponent("slawatch.yaml"), atomically: true, encoding: .utf8)
        // The public file closes the 24th, 25th and 26th.
        let ics = ["BEGIN:VCALENDAR"] + ["20261224", "20261225", "20261226"].flatMap { day in
            ["BEGIN:VEVENT", "DTSTART;VALUE=DATE:\(day)", "SUMMARY:Public holiday", "END:VEVENT"]
        } + ["END:VCALENDAR"]
        try ics.joined(separator: "\r\n").write(to: directory.appendingPathComponent("public.ics"), atomically: true, encoding: .utf8)
        // Opened at 09:00 Berlin (08:00Z) on the short day: two hours of its three.
        try #"[{"id": "T-1", "status": "open", "customer": {"id": "c"}, "created_at": "2026-12-24T08:00:00Z"}]"#
            .write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let config = directory.appendingPathComponent("slawatch.yaml").path
        #expect(try SlawatchProcess.run(["check", "--config", config]).status == 0)
        let result = try SlawatchProcess.run([
            "evaluate", "--config", config, "--tickets", directory.appendingPathComponent("tickets.json").path,
            "--at", "2026-12-24T09:00:00Z", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let clock = try #require((object["clocks"] as? [[String: Any]])?.first)
        // 11:00 Berlin on the 24th; closed all day it was Monday the 28th, 11:00 Berlin.
        #expect(clock["due_at"] as? String == "2026-12-24T10:00:00Z", "\(clock)")
    }

    /// A factor that overflowed a target crashed `evaluate`, `explain` and `run` (SIGILL),
    /// while `check` said ok.
    @Test func aTargetsFactorPastItsLimitIsRefusedByEveryCommand() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 2, base: Date()), extraConfig: """
            exceptions:
              - { name: x, from: 2026-01-01T00:00:00Z, until: 2027-12-31T00:00:00Z, targets_factor: 1e15 }
            """)
        let line = try lineNumber(of: "targets_factor: 1e15", in: fixture)
        let problem = "\(fixture.config):\(line):89: exceptions[0].targets_factor: \"1e15\" is more than 100"
        for command in [["check"], ["evaluate"], ["explain", "--ticket", "T-0"], ["run", "--once"]] {
            let result = try SlawatchProcess.run(command + ["--config", fixture.config])
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.contains(problem), "\(command): \(result.stderr)")
        }
    }

    @Test(arguments: ["whsec_!!!notbase64", "whsec_", "notwhsec"])
    func aWebhookSecretRunWouldRefuseIsReportedByCheckAtItsKey(_ secret: String) throws {
        let fixture = try fixture("""
              signed: { type: webhook, url: "https://hooks.example.invalid/in", secret_file: webhook-secret }
            """)
        // The extra channel goes under channels:, the fixture's last section.
        try "\(secret)\n".write(toFile: fixture.directory.appendingPathComponent("webhook-secret").path, atomically: true, encoding: .utf8)
        let check = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(check.status == 78)
        let line = try lineNumber(of: "secret_file: webhook-secret", in: fixture)
        #expect(check.stderr.hasPrefix("\(fixture.config):\(line):"), "\(check.stderr)")
        #expect(check.stderr.contains("channels.signed.secret_file: "), "\(check.stderr)")
        #expect(check.stderr.contains("whsec_ followed by base64"))
        #expect(!check.stderr.contains(secret.count > 6 ? secret : "\u{0}"))
        let run = try SlawatchProcess.run(["run", "--config", fixture.config, "--once"])
        #expect(run.status == 78)
        #expect(run.stderr.contains(check.stderr), "\(run.stderr)")
    }

    @Test(arguments: ["999.1.1.1:80", "00:00-00:00", "127.0.0.1:http"])
    func aListenAddressThatCannotBeBoundIsACheckError(_ listen: String) throws {
        let fixture = try fixture(listen: listen)
        let check = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(check.status == 78, "\(check.stdout)")
        let line = try lineNumber(of: "listen:", in: fixture)
        #expect(check.stderr.hasPrefix("\(fixture.config):\(line):9: listen: \"\(listen)\""), "\(check.stderr)")
        #expect(!check.stderr.contains("another slawatch"))
    }

    /// `check` said ok to a log channel's path that no line could be written to, and every
    /// message to it then failed at run with "connection".
    @Test(arguments: [
        ("/proc/version", "/proc/version cannot be written ("),
        // Root may write anywhere by its permissions, but nothing can be made in the kernel's own files.
        ("/proc/nonexistent/dir/lines.jsonl", "/proc/nonexistent/dir/lines.jsonl cannot be made: /proc holds the kernel's files only"),
        ("/sys/lines.jsonl", "/sys/lines.jsonl cannot be made: /sys holds the kernel's files only"),
        ("tickets.json/lines.jsonl", "/tickets.json is not a directory, so "),
        ("/tmp", "/tmp is a directory; name a file in it"),
    ])
    func aLogChannelPathNoLineCanBeWrittenToIsACheckError(_ file: String, _ problem: String) throws {
        let fixture = try fixture("  broken: { type: log, path: \(file) }")
        let line = try lineNumber(of: "broken: { type: log", in: fixture)
        for command in [["check"], ["run", "--once"]] {
            let result = try SlawatchProcess.run(command + ["--config", fixture.config])
            #expect(result.status == 78, "\(command): \(result.stderr)")
            #expect(result.stderr.contains("\(fixture.config):\(line):"), "\(command): \(result.stderr)")
            #expect(result.stderr.contains(problem), "\(command): \(result.stderr)")
        }
    }

    /// A step's `set_priority` or `add_tag` with no source that writes back changed no
    /// ticket, and nothing said so.
    @Test func aChangeAtTheHelpdeskNoSourceMakesIsAWarning() throws {
        let fixture = try fixture()
        var yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        yaml = DaemonFixture.withWriteBackSteps(yaml)
        yaml += "\nactions: { ack_tag: sla-acked }\n"
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let line = try lineNumber(of: "set_priority: urgent", in: fixture)
        let actions = try lineNumber(of: "ack_tag: sla-acked", in: fixture)
        let check = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(check.status == 0, "\(check.stderr)")
        for (path, at) in [("ladders.default[3].set_priority", "\(line):21"), ("ladders.default[3].add_tag", "\(line + 1):16"),
                           ("actions.ack_tag", "\(actions):21")] {
            let key = path.split(separator: ".").last.map(String.init) ?? path
            #expect(check.stderr.contains("\(fixture.config):\(at): \(path): warning: changes no ticket: "
                + "no source has write_back: true; set it on a zendesk or freshdesk source, or remove \(key)"), "\(check.stderr)")
        }
        // A source that writes back makes the change: no warning.
        yaml = DaemonFixture.withZendeskSource(yaml, url: "https://example.zendesk.com")
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        try "a-token\n".write(toFile: (fixture.config as NSString).deletingLastPathComponent + "/token", atomically: true, encoding: .utf8)
        let writing = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(writing.status == 0, "\(writing.stderr)")
        #expect(!writing.stderr.contains("changes no ticket"), "\(writing.stderr)")
    }

    /// A relay password sent unencrypted across a network passed `check` without a word.
    @Test func aPasswordToARemoteRelayWithoutTLSIsAWarning() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-relay-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let password = directory.appendingPathComponent("relay-password").path
        try "pw\n".write(toFile: password, atomically: true, encoding: .utf8)
        let fixture = try fixture("""
            relays:
              remote: { url: "smtp://192.0.2.1:25", tls: none, username: u, password_file: \(password), from: s@example.com }
              local: { url: "smtp://127.0.0.1:25", tls: none, username: u, password_file: \(password), from: s@example.com }
              open: { url: "smtp://192.0.2.1:25", tls: none, from: s@example.com }
            """)
        let line = try lineNumber(of: "remote: {", in: fixture)
        let check = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stderr.contains("\(fixture.config):\(line):46: relays.remote.tls: warning: sends the relay's password to "
            + "192.0.2.1 unencrypted"), "\(check.stderr)")
        // On this machine, or without a password, nothing crosses a network in clear.
        #expect(!check.stderr.contains("relays.local"), "\(check.stderr)")
        #expect(!check.stderr.contains("relays.open"), "\(check.stderr)")
    }

    /// `check` said ok to an address this machine does not have, and `run` then exited 69.
    /// (192.0.2.1 is TEST-NET-1, documentation only: no machine has it.)
    @Test func aListenHostThisMachineDoesNotHaveIsACheckError() throws {
        let fixture = try fixture(listen: "192.0.2.1:19469")
        let check = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(check.status == 78, "\(check.stdout)")
        #expect(check.stderr.contains("192.0.2.1:19469: no network interface of this machine has that address"), "\(check.stderr)")
        #expect(!check.stdout.contains("ok"))
        let run = try SlawatchProcess.run(["run", "--config", fixture.config], killAfter: .seconds(20))
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("no network interface of this machine has that address"), "\(run.stderr)")
    }

    @Test func aTeamNamingChannelsWithoutAChannelsSectionIsACheckError() throws {
        let fixture = try fixture()
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        let cut = try #require(yaml.range(of: "channels:"))
        try String(yaml[..<cut.lowerBound]).write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let check = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(check.status == 78)
        let line = try lineNumber(of: "lead: [leads]", in: fixture)
        #expect(check.stderr.contains("\(fixture.config):\(line):"), "\(check.stderr)")
        #expect(check.stderr.contains("teams.default.lead"))
        #expect(check.stderr.contains("no channel is named \"leads\""))
    }

    @Test func aListenPortInUseStopsRunBeforeTheFirstTick() throws {
        let holder = try SlawatchProcess.start("/usr/bin/python3", [
            "-c", "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(); print('PORT', s.getsockname()[1], flush=True); sys.stdin.read()",
        ])
        defer { holder.terminate(SIGKILL) }
        #expect(holder.waitForLine(containing: "PORT"))
        let port = try #require(holder.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        let fixture = try fixture(listen: "127.0.0.1:\(port)")
        #expect(try SlawatchProcess.run(["check", "--config", fixture.config]).status == 0)
        let run = try SlawatchProcess.run(["run", "--config", fixture.config], killAfter: .seconds(20))
        #expect(run.status == 69, "\(run.stderr)")
        #expect(run.stderr.contains("127.0.0.1:\(port)"))
        #expect(run.stderr.contains("in use"), "\(run.stderr)")
        #expect(!run.stderr.contains(")\n") && !run.stderr.contains("errno"), "\(run.stderr)")
        // Nothing was ticked or delivered.
        #expect(try fixture.lines().isEmpty)
        #expect(!run.stderr.contains("tick"))
    }
}
