import Foundation
import Testing

/// Quiet hours changed while they hold a message: what they hold follows the quiet hours
/// configured now, after a restart and after a reload, not the end they had when it was held.
@Suite(.serialized) struct QuietHoursProcessTests {
    /// Edits the fixture's configuration in place.
    private func edit(_ fixture: RiskFixture, _ change: (String) -> String) throws {
        let yaml = try String(contentsOfFile: fixture.config, encoding: .utf8)
        let changed = change(yaml)
        #expect(changed != yaml, "the edit changed nothing")
        try changed.write(toFile: fixture.config, atomically: true, encoding: .utf8)
    }

    @Test func quietHoursRemovedLetOutWhatTheyHoldAtTheNextRun() throws {
        let fixture = try RiskFixture(risks: "  follow_ups: { count: 3, within: 24h, notify: lead }")
        // 08:50Z on a Monday: the lead's channel is quiet until 09:00Z, so the risk is held.
        try fixture.tick(at: "2026-11-23T08:50:00Z")
        #expect(fixture.lines("leads").isEmpty)
        try edit(fixture) { $0.replacingOccurrences(of: ", quiet_hours: office", with: "") }
        try fixture.tick(at: "2026-11-23T08:51:00Z")
        #expect(fixture.lines("leads").map { $0["key"] as? String } == ["file:T-1/risk/follow_ups/1@leads"])
        try fixture.tick(at: "2026-11-23T09:00:30Z")
        #expect(fixture.lines("leads").count == 1)
    }

    @Test func quietHoursNarrowedHoldLonger() throws {
        let fixture = try RiskFixture(risks: "  follow_ups: { count: 3, within: 24h, notify: lead }")
        try fixture.tick(at: "2026-11-23T08:50:00Z")
        // The office now opens at 10:00Z: the hold recorded until 09:00Z lasts until 10:00Z.
        try edit(fixture) { $0.replacingOccurrences(of: "\"09:00-17:00\"", with: "\"10:00-17:00\"") }
        try fixture.tick(at: "2026-11-23T09:00:30Z")
        #expect(fixture.lines("leads").isEmpty)
        try fixture.tick(at: "2026-11-23T10:00:30Z")
        #expect(fixture.lines("leads").map { $0["key"] as? String } == ["file:T-1/risk/follow_ups/1@leads"])
    }

    @Test func aReloadThatRemovesQuietHoursLetsOutWhatTheyHoldAtOnce() throws {
        // Three customer messages within the last hour, on the real clock; the office opens
        // two hours from now, so the lead's channel is quiet for two hours yet.
        let ago = RiskFixture.ago
        let tickets = """
            [{"id": "Q-1", "status": "open", "group": "Billing", "created_at": "\(ago(50))",
              "events": [{"at": "\(ago(50))", "type": "customer_message"},
                         {"at": "\(ago(30))", "type": "customer_message"},
                         {"at": "\(ago(10))", "type": "customer_message"}]}]
            """
        let fixture = try RiskFixture(tickets: tickets, risks: "  follow_ups: { count: 3, within: 24h, notify: lead }")
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        let hour = utc.component(.hour, from: Date())
        let opens = (hour + 2) % 24
        let window = String(format: "\"%02d:00-%@\"", opens, opens == 23 ? "24:00" : String(format: "%02d:00", opens + 1))
        try edit(fixture) { $0.replacingOccurrences(of: "mon-fri: [\"09:00-17:00\"]", with: "mon-sun: [\(window)]") }

        let daemon = try SlawatchProcess.start(SlawatchProcess.binary.path, ["run", "--config", fixture.config])
        defer { daemon.terminate() }
        #expect(daemon.waitForLine(containing: "tick", stream: .stderr), "\(daemon.stderr)")
        // Delivery runs beside the tick: give a wrongly sent line time to land.
        usleep(500_000)
        #expect(fixture.lines("leads").isEmpty)

        try edit(fixture) { $0.replacingOccurrences(of: ", quiet_hours: office", with: "") }
        kill(daemon.process.processIdentifier, SIGHUP)
        #expect(daemon.waitForLine(containing: "configuration reloaded", stream: .stderr), "\(daemon.stderr)")
        let deadline = ContinuousClock.now + .seconds(10)
        while fixture.lines("leads").isEmpty && ContinuousClock.now < deadline { usleep(50_000) }
        #expect(fixture.lines("leads").map { $0["key"] as? String } == ["file:Q-1/risk/follow_ups/1@leads"], "\(daemon.stderr)")
        #expect(daemon.stderr.contains("held messages scheduled again"), "\(daemon.stderr)")
    }
}
