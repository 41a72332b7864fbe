import Foundation
import Testing

/// A repeat of a ladder step has one spelling, `breach+2h#1`, in `evaluate`, `explain` and keys.
@Suite struct RepeatStepSpellingTests {
    /// The fixture's ladder: `breach+2h` to the director, repeating every hour. A ticket an
    /// hour's first response overdue since 09:00: `breach+2h` at 11:00, its first repeat at 12:00.
    let tickets = """
        [{"id": "R-1", "status": "open", "customer": {"id": "c"}, "created_at": "2026-11-20T08:00:00Z"}]
        """

    @Test func evaluateExplainAndKeysSpellARepeatAlike() throws {
        let fixture = try DaemonFixture(tickets: tickets)
        let at = "2026-11-20T11:30:00Z"
        let evaluated = try SlawatchProcess.run(["evaluate", "--config", fixture.config, "--at", at, "--format", "json"])
        #expect(evaluated.status == 0, "\(evaluated.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(evaluated.stdout.utf8)) as? [String: Any])
        let clock = try #require((json["clocks"] as? [[String: Any]])?.first { ($0["metric"] as? String) == "first_response" })
        #expect((clock["next_step"] as? [String: Any])?["step"] as? String == "breach+2h#1")
        #expect((clock["next_step"] as? [String: Any])?["at"] as? String == "2026-11-20T12:00:00Z")

        let table = try SlawatchProcess.run(["evaluate", "--config", fixture.config, "--at", at, "--format", "table"])
        #expect(table.stdout.contains("breach+2h#1 at"), "\(table.stdout)")
        let explained = try SlawatchProcess.run(["explain", "--config", fixture.config, "--at", at, "--ticket", "R-1"])
        #expect(explained.stdout.contains("Next ladder step: breach+2h#1 (repeat 1 of breach+2h)"), "\(explained.stdout)")

        // The daemon's key for that repeat, once it fires, is spelled the same.
        #expect(try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", at]).status == 0)
        #expect(try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "2026-11-20T12:00:30Z"]).status == 0)
        let keys = try fixture.lines().compactMap { $0["key"] as? String }
        #expect(keys.contains { $0.hasPrefix("file:R-1/first_response/1/breach+2h#1@") }, "\(keys)")
    }
}
