import Foundation
import Testing

/// One state file, one daemon, whatever path leads to it; the file is the daemon's alone.
@Suite(.serialized) struct StateFileTests {
    let base = ISO8601DateFormatter().date(from: "2026-11-20T12:00:00Z")!

    /// A second configuration in another directory whose `state` is `path`.
    func second(of fixture: DaemonFixture, state path: String) throws -> String {
        let directory = fixture.directory.appendingPathComponent("other")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
            .replacingOccurrences(of: "state: state/state.db", with: "state: \(path)")
            .replacingOccurrences(of: "path: tickets.json", with: "path: ../tickets.json")
        let config = directory.appendingPathComponent("slawatch.yaml").path
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
        return config
    }

    func refusesASecondDaemon(reaching state: (DaemonFixture) throws -> String) throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 3, base: base))
        #expect(try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "2026-11-20T12:00:00Z"]).status == 0)
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        #expect(daemon.waitForLine(containing: "tick", stream: .stderr))
        let other = try second(of: fixture, state: try state(fixture))
        let result = try SlawatchProcess.run(["run", "--config", other, "--once"], killAfter: .seconds(30))
        #expect(result.status == 69, "\(result.stderr)")
        #expect(result.stderr.contains("another slawatch daemon is running"))
    }

    @Test func aSymlinkToTheStateFileIsTheSameState() throws {
        try refusesASecondDaemon { fixture in
            let link = fixture.directory.appendingPathComponent("link.db").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fixture.state)
            return link
        }
    }

    @Test func aSymlinkedDirectoryIsTheSameState() throws {
        try refusesASecondDaemon { fixture in
            let link = fixture.directory.appendingPathComponent("linked-state").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: fixture.directory.appendingPathComponent("state").path)
            return link + "/state.db"
        }
    }

    @Test func aDotDotPathIsTheSameState() throws {
        try refusesASecondDaemon { _ in "../other/../state/state.db" }
    }

    @Test func readersStillOpenTheStateWhileTheDaemonRuns() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 3, base: base))
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        #expect(daemon.waitForLine(containing: "tick", stream: .stderr))
        #expect(try fixture.query("SELECT count(*) FROM grdb_migrations").first.flatMap { Int($0) } ?? 0 > 0)
        let dry = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--dry-run"])
        #expect(dry.status == 0, "\(dry.stderr)")
    }

    @Test func theStateFileIsReadableByItsOwnerAlone() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 3, base: base))
        let old = umask(0o022)
        defer { umask(old) }
        #expect(try SlawatchProcess.run(["run", "--config", fixture.config, "--once"]).status == 0)
        let mode = try FileManager.default.attributesOfItem(atPath: fixture.state)[.posixPermissions] as? Int
        #expect(mode == 0o600, "mode \(String(mode ?? 0, radix: 8))")
    }
}

/// What the daemon says when it starts and stops.
@Suite struct DaemonLifecycleLogTests {
    @Test func runLogsAStartLineAndAStopLine() throws {
        let fixture = try DaemonFixture(tickets: "[]")
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        #expect(daemon.waitForLine(containing: "tick", stream: .stderr))
        let started = try #require(daemon.stderr.split(separator: "\n").first { $0.contains(" starting ") })
        #expect(started.contains("version="))
        #expect(started.contains("config=\(fixture.config)"))
        #expect(started.contains("state=\(fixture.state)"))
        #expect(started.contains("listen=127.0.0.1:0"))
        #expect(daemon.terminate() == 0)
        let last = daemon.stderr.split(separator: "\n").last ?? ""
        #expect(last.contains(" stopped"), "\(daemon.stderr)")
    }
}
