import Foundation
import Testing

/// A running daemon's reloads, beyond the good and bad configurations `SystemdProcessTests` covers.
@Suite struct ReloadProcessTests {
    /// Templates that would render forever, met by `check` and by a reload.
    @Test func aPartialIncludingItselfIsRefusedByCheckAndByAReload() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 3, base: Date()))
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate(SIGKILL) }
        #expect(daemon.waitForLine(containing: " info tick ", stream: .stderr))

        let templates = fixture.directory.appendingPathComponent("tpl")
        try FileManager.default.createDirectory(at: templates, withIntermediateDirectories: true)
        try "see {{> link}}\n".write(to: templates.appendingPathComponent("link.mustache"), atomically: true, encoding: .utf8)
        let good = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try (good + "\ntemplates: tpl\n").write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let problem = "\(templates.path)/link.mustache:1: the partial link includes itself (link → link)"

        let check = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(check.status == 78)
        #expect(check.stderr.contains(problem), "\(check.stderr)")

        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(daemon.waitForLine(containing: problem, stream: .stderr, timeout: .seconds(10)), "\(daemon.stderr)")
        usleep(300_000)
        #expect(daemon.process.isRunning)
        #expect(daemon.terminate(SIGTERM) == 0)
    }

    /// A reload keeps the state and the address the daemon started with, and says so.
    @Test func aReloadSaysWhichKeysWaitForARestart() throws {
        let fixture = try DaemonFixture(tickets: staggeredTickets(count: 3, base: Date()))
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate(SIGKILL) }
        #expect(daemon.waitForLine(containing: " info tick ", stream: .stderr))

        let good = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try good.replacingOccurrences(of: "state: state/state.db", with: "state: state/other.db")
            .replacingOccurrences(of: "listen: 127.0.0.1:0", with: "listen: 127.0.0.1:1")
            .write(toFile: fixture.config, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(daemon.waitForLine(containing: "configuration reloaded but for keys read only at start", stream: .stderr,
                                   timeout: .seconds(10)), "\(daemon.stderr)")
        #expect(daemon.stderr.contains("keys=state,listen"), "\(daemon.stderr)")
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.appendingPathComponent("state/other.db").path))
        #expect(daemon.terminate(SIGTERM) == 0)
    }
}
