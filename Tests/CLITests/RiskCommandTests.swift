import Foundation
import Testing

/// Risks and group targets through the commands people run: `evaluate`, `explain`,
/// `render` and `check`, on the fixture of `RiskProcessTests`.
@Suite struct RiskCommandTests {
    func json(_ arguments: [String]) throws -> [String: Any] {
        let result = try SlawatchProcess.run(arguments)
        #expect(result.status == 0, "\(result.stderr)")
        return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any] ?? [:]
    }

    @Test func evaluateListsTheRisksBesideTheClocks() throws {
        let fixture = try RiskFixture()
        let object = try json(["evaluate", "--config", fixture.config, "--tickets", fixture.tickets,
                               "--at", "2026-11-23T10:05:00Z", "--format", "json"])
        let risks = try #require(object["risks"] as? [[String: Any]])
        #expect(risks.count == 2)
        #expect(Set(risks[0].keys) == ["ticket", "risk", "occurrence", "since", "detail"])
        #expect(risks[0]["ticket"] as? String == "T-1")
        #expect(risks[0]["risk"] as? String == "follow_ups")
        #expect(risks[0]["occurrence"] as? Int == 1)
        #expect(risks[0]["since"] as? String == "2026-11-23T08:45:00Z")
        #expect(risks[0]["detail"] as? String == "3 customer messages without a public answer since 2026-11-23T08:00:00Z")
        #expect(risks[1]["ticket"] as? String == "T-2")
        #expect(risks[1]["risk"] as? String == "reopened")
        #expect(risks[1]["since"] as? String == "2026-11-23T10:00:00Z")
        // The clocks contract is unchanged.
        let clock = try #require((object["clocks"] as? [[String: Any]])?.first)
        #expect(Set(clock.keys) == [
            "ticket", "metric", "cycle", "policy", "calendar", "target_seconds", "started_at", "due_at",
            "elapsed_seconds", "paused_seconds", "remaining_seconds", "percent", "state", "next_step",
        ])

        // Read from the configured source, each risk names it; before the reopen, T-2 has none.
        let early = try json(["evaluate", "--config", fixture.config, "--at", "2026-11-23T09:00:00Z", "--format", "json"])
        let found = try #require(early["risks"] as? [[String: Any]])
        #expect(found.map { "\($0["source"] ?? "-"):\($0["ticket"] ?? "-")/\($0["risk"] ?? "-")" } == ["file:T-1/follow_ups"])
    }

    @Test func aConfigurationWithoutRisksStillHasTheArray() throws {
        let fixture = try RiskFixture(risks: "  {}")
        let object = try json(["evaluate", "--config", fixture.config, "--at", "2026-11-23T10:05:00Z", "--format", "json"])
        #expect((object["risks"] as? [Any])?.isEmpty == true)
    }

    @Test func explainTellsWhichRisksATicketCarriesAndWhy() throws {
        let fixture = try RiskFixture()
        let result = try SlawatchProcess.run(["explain", "--config", fixture.config, "--ticket", "T-2", "--at", "2026-11-23T10:05:00Z"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Risks (1): reopened occurrence 1, since 2026-11-23T10:00:00Z: reopened after being solved."))
        #expect(result.stdout.contains("told once to the team (reopened goes to manager), never to the customer."))
        let calm = try SlawatchProcess.run(["explain", "--config", fixture.config, "--ticket", "T-2", "--at", "2026-11-23T09:00:00Z"])
        #expect(calm.stdout.contains("Risks: none of follow_ups, reopened at 2026-11-23T09:00:00Z."))
    }

    @Test func renderShowsTheRiskTemplateAndRefusesATicketWithoutRisks() throws {
        let fixture = try RiskFixture()
        let shown = try SlawatchProcess.run(["render", "--config", fixture.config, "--ticket", "T-1", "--template", "risk",
                                             "--at", "2026-11-23T10:05:00Z"])
        #expect(shown.status == 0, "\(shown.stderr)")
        #expect(shown.stdout.contains("\"subject\" : \"[Risk follow_ups] T-1: 3 customer messages without a public answer"))
        #expect(shown.stdout.contains("===== slack ====="))
        let none = try SlawatchProcess.run(["render", "--config", fixture.config, "--ticket", "T-2", "--template", "risk",
                                            "--at", "2026-11-23T09:00:00Z"])
        #expect(none.status == 64)
        #expect(none.stderr.contains("carries no risk at 2026-11-23T09:00:00Z"))
    }

    @Test func checkNamesABadRiskKeyWithItsPlace() throws {
        let fixture = try RiskFixture(risks: "  follow_ups: { count: 0, within: 24h, notify: lead }\n  reopend: { notify: lead }")
        let result = try SlawatchProcess.run(["check", "--config", fixture.config])
        #expect(result.status == 78)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("\(fixture.config):30:24: risks.follow_ups.count: \"0\" is not a whole number of at least 1") })
        #expect(lines.contains { $0.hasPrefix("\(fixture.config):31:3: risks.reopend: unknown key for risks (did you mean reopened?)") })
        // run refuses it too, before anything happens.
        let run = try SlawatchProcess.run(["run", "--config", fixture.config, "--once", "--at", "2026-11-23T10:05:00Z"])
        #expect(run.status == 78)
    }

    @Test func aGroupTargetBreachesWhileTheCustomerClocksAreMet() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-ola-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let config = directory.appendingPathComponent("slawatch.yaml").path
        let tickets = directory.appendingPathComponent("tickets.json").path
        try """
            calendars:
              office: { timezone: America/New_York, week: { mon-fri: ["09:00-17:00"] } }
            policies:
              - name: standard
                calendar: office
                targets: { any: { first_response: 1h, resolution: 8h } }
                group_targets:
                  Engineering: { group_response: 2h }
            """.write(toFile: config, atomically: true, encoding: .utf8)
        // Monday 09:00 EST, answered at 09:30, moved to Engineering at 10:00, whose first note
        // comes at 13:00 EST: three business hours against two.
        try """
            [{"id": "E-1", "status": "open", "group": "Engineering", "created_at": "2026-11-23T14:00:00Z",
              "events": [{"at": "2026-11-23T14:00:00Z", "type": "customer_message"},
                         {"at": "2026-11-23T14:00:00Z", "type": "group", "group": "Support"},
                         {"at": "2026-11-23T14:30:00Z", "type": "agent_reply", "public": true},
                         {"at": "2026-11-23T15:00:00Z", "type": "group", "group": "Engineering"},
                         {"at": "2026-11-23T18:00:00Z", "type": "agent_reply", "public": false}]}]
            """.write(toFile: tickets, atomically: true, encoding: .utf8)
        let object = try json(["evaluate", "--config", config, "--tickets", tickets, "--at", "2026-11-23T17:30:00Z", "--format", "json"])
        let clocks = try #require(object["clocks"] as? [[String: Any]])
        #expect(clocks.map { "\($0["metric"]!) \($0["state"]!)" } == ["first_response met", "resolution running", "group_response breached"])
        let group = clocks[2]
        #expect(group["group"] as? String == "Engineering")
        #expect(group["started_at"] as? String == "2026-11-23T15:00:00Z")
        #expect(group["due_at"] as? String == "2026-11-23T17:00:00Z")
        #expect(group["target_seconds"] as? Int == 7200)

        let explained = try SlawatchProcess.run(["explain", "--config", config, "--tickets", tickets, "--ticket", "E-1", "--at", "2026-11-23T19:00:00Z"])
        #expect(explained.stdout.contains("group_response cycle 1 (group Engineering): missed."))
        #expect(explained.stdout.contains("It started when the ticket entered group Engineering at Mon 2026-11-23 10:00 EST"))
        #expect(explained.stdout.contains("by the group's first agent reply"))
    }
}
