import Foundation
import Testing

/// A scratch directory with a daemon configuration: a file source and two log channels,
/// everything on 24x7 so that instants are easy to reason about.
struct DaemonFixture {
    let directory: URL
    var config: String { directory.appendingPathComponent("slawatch.yaml").path }
    var state: String { directory.appendingPathComponent("state/state.db").path }

    init(tickets: String, extraConfig: String = "") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-daemon-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try tickets.write(to: directory.appendingPathComponent("tickets.json"), atomically: true, encoding: .utf8)
        let yaml = """
            state: state/state.db
            poll_interval: 30s
            listen: 127.0.0.1:0
            sources:
              - name: file
                type: file
                path: tickets.json
            policies:
              - name: all
                targets:
                  any: { first_response: 1h, resolution: 4h }
            teams:
              default:
                lead: [leads]
                manager: [hooks]
                director: [leads, hooks]
            ladders:
              default:
                - at: 50%
                  notify: lead
                - at: 75%
                  notify: lead
                - at: 90%
                  notify: manager
                - at: breach
                  notify: [manager, director]
                - at: breach+2h
                  notify: director
                  repeat: 1h
            channels:
              leads: { type: log, path: out/leads.jsonl }
              hooks: { type: log, path: out/hooks.jsonl, digest: false }
            \(extraConfig)
            """
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Every JSON line the log channels received. A line cut short by a SIGKILL mid-write
    /// is left out, and must be the start of a whole line written again after the restart.
    func lines() throws -> [[String: Any]] {
        ["leads", "hooks"].flatMap { name -> [[String: Any]] in
            let file = LogFile(directory.appendingPathComponent("out/\(name).jsonl").path)
            #expect(file.tornNeverWrittenWhole.isEmpty, "\(name): a line cut short and never written whole: \(file.tornNeverWrittenWhole)")
            return file.entries
        }
    }

    /// Rows of the state database, read with Python's sqlite3 (a second, independent reader).
    func query(_ sql: String) throws -> [String] {
        let result = try SlawatchProcess.runTool("/usr/bin/python3", [
            "-c", "import sqlite3,sys\nfor row in sqlite3.connect(sys.argv[1]).execute(sys.argv[2]): print('|'.join(map(str,row)))",
            state, sql,
        ])
        return result.stdout.split(separator: "\n").map(String.init)
    }
}

/// Tickets created every 5 minutes before `base`, so that ticks at different instants
/// cross different steps of different tickets.
func staggeredTickets(count: Int, base: Date) -> String {
    let items = (0..<count).map { i -> String in
        let created = base.addingTimeInterval(-Double(i) * 300)
        return """
            {"id": "T-\(i)", "subject": "Ticket \(i)", "status": "open", "priority": "normal",
             "customer": {"id": "c\(i % 4)", "email": "c\(i % 4)@example.com"},
             "created_at": "\(ISO8601DateFormatter().string(from: created))"}
            """
    }
    return "[\n" + items.joined(separator: ",\n") + "\n]\n"
}

@Suite(.serialized) struct DaemonProcessTests {
    let base = ISO8601DateFormatter().date(from: "2026-11-20T12:00:00Z")!
    var instants: [String] {
        [0, 20 * 60, 45 * 60, 3 * 3600].map { ISO8601DateFormatter().string(from: base.addingTimeInterval(Double($0))) }
    }

    /// Runs the ticks to completion, no crash: the notifications that are due.
    func reference(tickets: String) throws -> (keys: Set<String>, lines: Int) {
        let fixture = try DaemonFixture(tickets: tickets)
        for instant in instants {
            let result = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", instant])
            #expect(result.status == 0, "\(result.stderr)")
        }
        let lines = try fixture.lines()
        return (Set(lines.map { $0["key"] as! String }), lines.count)
    }

    @Test func killedAtRandomPointsNothingIsLostOrRecordedTwice() throws {
        let tickets = staggeredTickets(count: 40, base: base)
        let expected = try reference(tickets: tickets)
        #expect(expected.keys.count > 20)
        #expect(expected.lines == expected.keys.count)
        var generator = SystemRandomNumberGenerator()
        var duplicates = 0
        for trial in 0..<Soak.pick(24, soak: 120) {
            let fixture = try DaemonFixture(tickets: tickets)
            for (index, instant) in instants.enumerated() {
                let arguments = ["run", "--config", fixture.config, "--once", "--at", instant]
                switch trial % 3 {
                case 0:
                    // Killed between the outbox write and delivery.
                    let crash = try SlawatchProcess.run(arguments, environment: ["SLAWATCH_FAILPOINT": "after-commit"])
                    #expect(crash.status == -1 || crash.status == 9 || crash.status == 0, "\(crash.stderr)")
                case 1:
                    // Killed after a message reached its channel, before the delivery was recorded.
                    _ = try SlawatchProcess.run(arguments, environment: ["SLAWATCH_FAILPOINT": index % 2 == 0 ? "after-send" : ""])
                default:
                    // Killed at a random moment.
                    _ = try SlawatchProcess.run(arguments, killAfter: .milliseconds(Int.random(in: 5...120, using: &generator)))
                }
                let restart = try SlawatchProcess.run(arguments)
                #expect(restart.status == 0, "\(restart.stderr)")
            }
            let lines = try fixture.lines()
            let keys = lines.map { $0["key"] as! String }
            #expect(Set(keys) == expected.keys, "trial \(trial)")
            duplicates += keys.count - Set(keys).count
            // Every message recorded as delivered exactly once, and nothing left behind.
            let delivered = try fixture.query("SELECT key, COUNT(*) FROM delivery_log WHERE outcome = 'delivered' GROUP BY key")
            #expect(delivered.count == expected.keys.count, "trial \(trial)")
            #expect(delivered.allSatisfy { $0.hasSuffix("|1") }, "trial \(trial)")
            #expect(try fixture.query("SELECT COUNT(*) FROM outbox WHERE status != 'delivered'") == ["0"])
        }
        // The after-send crashes must have produced re-deliveries, each with its own key.
        #expect(duplicates > 0)
    }

    @Test func aDaemonStartedThreeHoursAfterABreachSendsOneCatchUpMessage() throws {
        // Created 13:00; first response due 14:00, breach+2h at 16:00 repeating hourly; the
        // daemon first looks at 17:00, three hours after the breach.
        let tickets = """
            [{"id": "LATE-1", "subject": "Nobody looked", "status": "open", "priority": "normal",
              "customer": {"id": "acme"}, "created_at": "2026-11-20T13:00:00Z"}]
            """
        let fixture = try DaemonFixture(tickets: tickets)
        let result = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "2026-11-20T17:00:00Z"])
        #expect(result.status == 0, "\(result.stderr)")
        func firstResponse(_ lines: [[String: Any]]) -> [(channel: String, step: String, text: String)] {
            lines.flatMap { line in
                (line["tickets"] as! [[String: Any]]).filter { $0["metric"] as? String == "first_response" }.map {
                    (line["channel"] as! String, $0["step"] as! String, line["text"] as! String)
                }
            }
        }
        // Only the highest step reached (the 17:00 repeat of breach+2h), once to each of the
        // director's two channels; none of the five earlier steps.
        let sent = firstResponse(try fixture.lines())
        #expect(sent.map(\.channel).sorted() == ["hooks", "leads"])
        #expect(sent.allSatisfy { $0.step == "breach+2h#1" })
        #expect(sent.allSatisfy { $0.text.lowercased().contains("late") })
        #expect(try fixture.query("SELECT DISTINCT step FROM intent WHERE metric = 'first_response'") == ["breach+2h#1"])
        // Started again before the next repeat (18:00), it sends nothing more for that clock.
        _ = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "2026-11-20T17:30:00Z"])
        #expect(firstResponse(try fixture.lines()).count == 2)
    }

    @Test func dryRunPrintsAndRecordsNothing() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 5, base: base))
        let result = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--dry-run", "--at", instants[2]])
        #expect(result.status == 0)
        #expect(result.stdout.contains("would send to leads"))
        #expect(!FileManager.default.fileExists(atPath: fixture.state))
        #expect(try fixture.lines().isEmpty)
    }

    // MARK: Bad state databases

    @Test func aCorruptStateDatabaseStopsTheDaemonWithAClearError() throws {
        let fixture = try DaemonFixture(tickets: "[]")
        try FileManager.default.createDirectory(atPath: (fixture.state as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(repeating: 0x5A, count: 4096).write(to: URL(fileURLWithPath: fixture.state))
        let result = try SlawatchProcess.run(["run", "--config", fixture.config, "--once"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("not a SQLite database or is damaged"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: fixture.state)) == Data(repeating: 0x5A, count: 4096))
    }

    @Test func aNewerSchemaStopsTheDaemonWithAClearError() throws {
        let fixture = try DaemonFixture(tickets: "[]")
        #expect(try SlawatchProcess.run(["run", "--config", fixture.config, "--once"]).status == 0)
        _ = try SlawatchProcess.runTool("/usr/bin/python3", [
            "-c", "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute(\"INSERT INTO grdb_migrations VALUES ('v2-from-the-future')\"); c.commit()",
            fixture.state,
        ])
        let result = try SlawatchProcess.run(["run", "--config", fixture.config, "--once"])
        #expect(result.status == 69)
        #expect(result.stderr.contains("written by a newer slawatch"))
    }

    @Test func aStateDatabaseLockedByAnotherProcessIsAClearError() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 3, base: base))
        #expect(try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", instants[0]]).status == 0)
        // Another process holds a write lock for longer than the daemon waits.
        let holder = try SlawatchProcess.start("/usr/bin/python3", [
            "-c", "import sqlite3,sys,time; c=sqlite3.connect(sys.argv[1], isolation_level=None); c.execute('BEGIN EXCLUSIVE'); print('locked', flush=True); time.sleep(20)",
            fixture.state,
        ])
        defer { holder.terminate(SIGKILL) }
        _ = holder.waitForLine(containing: "locked")
        let result = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", instants[1]])
        #expect(result.status == 69)
        #expect(result.stderr.contains("locked by another process"))
    }

    @Test func aSecondDaemonOnTheSameStateIsRefused() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 3, base: base))
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        _ = daemon.waitForLine(containing: "tick", stream: .stderr)
        let second = try SlawatchProcess.run(["run", "--config", fixture.config, "--once"])
        #expect(second.status == 69)
        #expect(second.stderr.contains("another slawatch daemon is running"))
    }
}

/// The daemon's schedule on the real clock: it sleeps until the next threshold instant.
@Suite struct DaemonScheduleTests {
    @Test func aThresholdFiresWithinASecondOfBeingCrossed() throws {
        // first_response 8s: 50% crosses 4 s after creation; created 2 s ago, so 2 s from now.
        let created = Date(timeIntervalSinceNow: -2).addingTimeInterval(0)
        let stamp = ISO8601DateFormatter().string(from: created)
        let threshold = ISO8601DateFormatter().date(from: stamp)!.addingTimeInterval(4)
        let fixture = try DaemonFixture(
            tickets: "[{\"id\": \"NOW-1\", \"status\": \"open\", \"created_at\": \"\(stamp)\"}]",
            extraConfig: ""
        )
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
            .replacingOccurrences(of: "any: { first_response: 1h, resolution: 4h }", with: "any: { first_response: 8s }")
            .replacingOccurrences(of: "poll_interval: 30s", with: "poll_interval: 10m")
        try yaml.write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        // Bounded wait for the ping; the assertion is on when it was decided, not on how long we waited.
        let deadline = Date(timeIntervalSinceNow: 15)
        var line: [String: Any]?
        while Date() < deadline, line == nil {
            line = try fixture.lines().first { ($0["tickets"] as! [[String: Any]]).first?["step"] as? String == "50%" }
            if line == nil { usleep(50_000) }
        }
        let sent = try #require(line)
        let decidedAt = try #require(ISO8601DateFormatter().date(from: sent["at"] as! String))
        #expect(decidedAt >= threshold)
        #expect(decidedAt.timeIntervalSince(threshold) <= 1)
    }
}
