import Foundation
import Testing

/// A tickets file caught half rewritten, as the daemon polls it.
@Suite struct TicketsFileProcessTests {
    /// A JSON array cut short fails the poll, named by its line: the daemon keeps the
    /// file's tickets as last read instead of taking every one of them for gone, and takes
    /// the file again once it is whole.
    @Test func aTicketsArrayCutShortKeepsTheTicketsLastRead() throws {
        let whole = staggeredTickets(count: 3, base: Date())
        let fixture = try DaemonFixture(tickets: whole)
        defer { try? FileManager.default.removeItem(at: fixture.directory) }
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        try yaml.replacingOccurrences(of: "poll_interval: 30s", with: "poll_interval: 1s")
            .write(toFile: fixture.config, atomically: true, encoding: .utf8)
        let file = fixture.directory.appendingPathComponent("tickets.json").path

        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        #expect(daemon.waitForLine(containing: "tickets=3", stream: .stderr))

        let cut = String(whole[..<whole.lastIndex(of: "]")!])
        try cut.write(toFile: file, atomically: true, encoding: .utf8)
        let lastLine = cut.split(separator: "\n", omittingEmptySubsequences: false).count
        #expect(daemon.waitForLine(containing: "\(file):\(lastLine): the array is not closed", stream: .stderr), "\(daemon.stderr)")
        // Every tick from the failed poll on still counts the three tickets.
        let failed = try #require(daemon.stderr.range(of: "the array is not closed")).lowerBound
        usleep(1_500_000)
        let after = daemon.stderr[failed...].split(separator: "\n").filter { $0.contains(" info tick ") }
        #expect(!after.isEmpty, "\(daemon.stderr)")
        #expect(after.allSatisfy { $0.contains("tickets=3") }, "\(after)")

        // Whole again, with a fourth ticket: taken at the next poll.
        try staggeredTickets(count: 4, base: Date()).write(toFile: file, atomically: true, encoding: .utf8)
        #expect(daemon.waitForLine(containing: "tickets=4", stream: .stderr), "\(daemon.stderr)")
        #expect(daemon.terminate() == 0)
    }
}
