import Foundation
import Testing

/// Templates that would render forever, met by `check` and by a reload of a running daemon.
@Suite struct TemplateCycleProcessTests {
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
}
