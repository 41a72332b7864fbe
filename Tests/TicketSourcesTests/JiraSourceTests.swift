import Foundation
import SLAEngine
import Testing
@testable import TicketSources
import Transport

@Suite struct JiraSourceTests {
    @Test func searchesByJQLPagingByTokenAndMapsIssues() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("jira.json")
        let clock = VirtualClock()
        let source = JiraSource(settings: Samples.jira(base), transport: vendor.transport, clock: clock)

        let batch = try await source.poll()

        #expect(batch.tickets.map(\.id) == ["SUP-1", "SUP-3", "SUP-4"])
        let sup1 = batch.tickets[0]
        #expect(sup1.subject == "VPN down")
        #expect(sup1.status == .pendingCustomer)
        #expect(sup1.priority == .urgent)
        #expect(sup1.customer == Customer(
            id: "acc-1", name: "Cleo Client", email: "cleo@client.example", timeZone: "America/New_York"))
        #expect(sup1.assignee == "Ivan Agent")
        #expect(sup1.group == "Network")
        #expect(sup1.tags == ["network", "Report an incident"])
        #expect(sup1.url == "\(base)/browse/SUP-1")
        #expect(sup1.createdAt == Samples.time("2026-11-17T08:00:00Z"))
        #expect(sup1.updatedAt == Samples.time("2026-11-17T08:30:00Z"))
        #expect(sup1.firstResponseAt == Samples.time("2026-11-17T08:40:00Z"))
        #expect(sup1.solvedAt == nil)
        #expect(batch.tickets[1].status == .solved)
        #expect(batch.tickets[1].priority == .low)
        #expect(batch.tickets[1].solvedAt == Samples.time("2026-11-17T10:00:00Z"))
        #expect(batch.tickets[1].group == "Facilities")
        // Unknown status and priority names: open and normal; no reporter: an empty customer.
        #expect(batch.tickets[2].status == .open)
        #expect(batch.tickets[2].priority == .normal)
        #expect(batch.tickets[2].customer.id == "")
        #expect(batch.tickets[2].group == nil)
        // A priority no map names is taken as normal, and said once a poll.
        #expect(batch.problems.map(\.description) == [
            "jira: ticket SUP-2: fields.created: \"last tuesday\" is not an RFC 3339 time",
            "jira: priority \"P1\" is not known, so its tickets are taken as normal; if that is wrong, map it with priority_map",
        ])

        // 503 waited its Retry-After; two remaining before the reset paused until it.
        #expect(clock.sleeps == [3, 17])
        let requests = try await vendor.records(token)
        #expect(requests.count == 3)
        #expect(requests.allSatisfy { $0.method == "POST" && $0.path == "/rest/api/3/search/jql" })
        let first = try #require(requests[0].json)
        #expect(first["jql"] as? String == "project = SUP")
        #expect(first["maxResults"] as? Int == 100)
        #expect(first["nextPageToken"] == nil)
        #expect(first["fields"] as? [String] == [
            "summary", "status", "priority", "reporter", "assignee", "labels", "created", "updated", "resolutiondate",
            "customfield_10010", "customfield_10050", "customfield_10020",
        ])
        #expect(requests[2].json?["nextPageToken"] as? String == "tok-2")
        #expect(requests[0].header("Content-Type") == "application/json")
        let basic = "Basic " + Data("bot@example.com:\(Samples.jiraToken)".utf8).base64EncodedString()
        #expect(requests.allSatisfy { $0.header("Authorization") == basic })
    }

    @Test func statusAndPriorityMapsOverrideTheDefaults() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("jira.json")
        let mapping = CanonicalMapping(
            statuses: ["waiting for CUSTOMER": .onHold, "Triage": .new], priorities: ["P1": .urgent, "Highest": .high])
        let source = JiraSource(settings: Samples.jira(base, mapping: mapping), transport: vendor.transport, clock: VirtualClock())
        let tickets = try await source.poll().tickets
        #expect(tickets.map(\.status) == [.onHold, .solved, .new])
        #expect(tickets.map(\.priority) == [.high, .low, .urgent])
    }

    @Test(arguments: [
        (#"{"self": "https://x/option/1", "value": "Billing", "id": "1"}"#, "Billing"),
        (#"{"id": "7", "name": "Tier 2", "value": "ignored"}"#, "Tier 2"),
        (#"{"accountId": "acc-3", "displayName": "Desk Lead"}"#, "Desk Lead"),
        (#"[{"name": "Acme Org"}, {"name": "Other Org"}]"#, "Acme Org"),
        (#"[{"id": "9"}, {"value": "Second"}]"#, "Second"),
        (#"" Night shift ""#, "Night shift"),
        ("42", "42"),
        ("[]", nil),
        ("null", nil),
        (#""""#, nil),
        ("{}", nil),
    ] as [(String, String?)])
    func aGroupFieldValueBecomesAName(json: String, expected: String?) throws {
        let source = JiraSource(settings: Samples.jira("http://127.0.0.1:1"), transport: NoTransport())
        let issue = try #require(JSONValue.parse(Data(#"""
            {"key": "SUP-9", "fields": {"status": {"name": "Open"}, "created": "2026-11-17T08:00:00.000+0000",
             "customfield_10050": \#(json)}}
            """#.utf8)))
        #expect(try source.ticket(from: issue).group == expected)
    }
}
