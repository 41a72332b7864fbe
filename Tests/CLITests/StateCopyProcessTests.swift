import Foundation
import Testing
import TestSupport

/// `slawatch state copy`: a SQLite state moved into PostgreSQL carries on where it was.
@Suite(.serialized) struct StateCopyProcessTests {
    @Test func aCopiedStateSendsNothingTwice() throws {
        let fixture = try SharedStateFixture(tickets: 6, firstDueIn: -120)
        defer { fixture.remove() }
        // The same daemon on a SQLite file first: it sends every breach.
        let sqlite = fixture.directory.appendingPathComponent("sqlite.yaml").path
        let shared = try String(contentsOfFile: fixture.config("a"), encoding: .utf8)
        try shared.replacingOccurrences(of: "state: \"\(fixture.server.socketURL(fixture.database))\"", with: "state: state.db")
            .replacingOccurrences(of: "lease: \(SharedStateFixture.lease)s\n", with: "")
            .write(toFile: sqlite, atomically: true, encoding: .utf8)
        let first = try SlawatchProcess.run(["run", "--once", "--config", sqlite])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(try fixture.hooks(from: "a").count == 6)

        let file = fixture.directory.appendingPathComponent("state.db").path
        let url = fixture.server.socketURL(fixture.database)
        let copy = try SlawatchProcess.run(["state", "copy", "--from", file, "--to", url])
        #expect(copy.status == 0, "\(copy.stderr)")
        // Each breach went to `leads` and `hooks`.
        #expect(copy.stdout.contains("outbox: 12\n"), "\(copy.stdout)")
        #expect(copy.stdout.contains("intent: 12\n"), "\(copy.stdout)")
        #expect(try fixture.server.sql("SELECT status, COUNT(*) FROM slawatch.outbox GROUP BY status", database: fixture.database)
                == "delivered|12")
        #expect(try fixture.server.sql("SELECT COUNT(*) FROM slawatch.delivery_log", database: fixture.database) == "12")

        // The daemon on PostgreSQL finds every breach already sent.
        let again = try SlawatchProcess.run(["run", "--once", "--config", fixture.config("a")])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try fixture.hooks(from: "a").count == 6)
        #expect(try fixture.server.sql("SELECT COUNT(*) FROM slawatch.outbox", database: fixture.database) == "12")
        #expect(fixture.logged(by: "a").count == 6)

        // A file a daemon is running on is not copied: it would change between the parts read.
        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", sqlite])
        #expect(daemon.waitForLine(containing: "tick", stream: .stderr))
        let empty = fixture.server.socketURL(try fixture.server.createDatabase())
        let running = try SlawatchProcess.run(["state", "copy", "--from", file, "--to", empty])
        _ = daemon.terminate()
        #expect(running.status == 69)
        #expect(running.stderr.contains("a slawatch daemon is running on this state database; stop it first"), "\(running.stderr)")

        // A database that already holds a state is not copied into.
        let twice = try SlawatchProcess.run(["state", "copy", "--from", file, "--to", url])
        #expect(twice.status == 69)
        #expect(twice.stderr.contains("already holds"), "\(twice.stderr)")
    }
}
