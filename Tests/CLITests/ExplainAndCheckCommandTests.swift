import Foundation
import Testing

@Suite struct ExplainAndCheckCommandTests {
    let config = SlawatchProcess.fixture("slawatch.yaml")
    let tickets = SlawatchProcess.fixture("tickets.json")

    @Test func explainTellsWhyInSentences() throws {
        let result = try SlawatchProcess.run([
            "explain", "--config", config, "--tickets", tickets, "--ticket", "T-3", "--at", "2026-11-23T17:00:00Z",
        ])
        #expect(result.status == 0)
        let text = result.stdout
        #expect(text.contains("Ticket T-3 \"Waited on the customer\""))
        #expect(text.contains("The most aggressive wins, the one due first: enterprise"))
        #expect(text.contains("Calendar us-office runs in America/New_York, open mon-fri 09:00-17:00."))
        #expect(text.contains("skipped 2026-11-26 as a holiday"))
        #expect(text.contains("It stood still for 2 business hours: pending_customer from 2026-11-23T14:30:00Z to 2026-11-23T16:30:00Z."))
        #expect(text.contains("It was met at 2026-11-23T14:30:00Z by a public agent reply"))
        #expect(text.contains("It is due at Fri 2026-11-27 11:00 EST (2026-11-27T16:00:00Z)"))
    }

    @Test func explainNamesAMissingTicket() throws {
        let result = try SlawatchProcess.run(["explain", "--config", config, "--tickets", tickets, "--ticket", "T-404"])
        #expect(result.status == 66)
        #expect(result.stderr.contains("ticket T-404 is not among the 2 tickets read"))
    }

    @Test func checkPrintsOk() throws {
        let result = try SlawatchProcess.run(["check", "--config", config])
        #expect(result.status == 0)
        #expect(result.stdout == "ok\n")
    }

    @Test func checkReportsEveryErrorAndExits78() throws {
        let bad = SlawatchProcess.fixture("bad.yaml")
        let result = try SlawatchProcess.run(["check", "--config", bad])
        #expect(result.status == 78)
        let lines = result.stderr.split(separator: "\n").filter { $0.hasPrefix(bad) }
        #expect(lines.count >= 2)
    }

    @Test func checkNamesAMissingSecretWithoutItsValue() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("slawatch-check-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = try String(contentsOfFile: config, encoding: .utf8) + """

            channels:
              leads: { type: slack, url: "${SLACK_LEADS_HOOK}" }
              ops: { type: slack, url_file: "$CREDENTIALS_DIRECTORY/ops-hook" }
            """
        let file = directory.appendingPathComponent("slawatch.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        try "https://hooks.slack.com/services/T000/B000/SEKRIT-TOKEN\n"
            .write(to: directory.appendingPathComponent("ops-hook"), atomically: true, encoding: .utf8)

        let missing = try SlawatchProcess.run(["check", "--config", file.path], environment: ["CREDENTIALS_DIRECTORY": directory.path])
        #expect(missing.status == 78)
        #expect(missing.stderr.contains("channels.leads.url"))
        #expect(missing.stderr.contains("SLACK_LEADS_HOOK"))
        #expect(!missing.stderr.contains("SEKRIT"))

        let present = try SlawatchProcess.run(["check", "--config", file.path], environment: [
            "CREDENTIALS_DIRECTORY": directory.path, "SLACK_LEADS_HOOK": "https://hooks.slack.com/services/T1/B1/OTHER-SEKRIT",
        ])
        #expect(present.status == 0)
        #expect(present.stdout == "ok\n")
        #expect(!(present.stdout + present.stderr).contains("SEKRIT"))
    }
}
