import Transport
import Foundation
import SLAEngine
import Testing
@testable import TicketSources

/// A source's optional endpoint refused: the poll goes on without it, says so once, and
/// once more when it is back.
@Suite struct OptionalLookupTests {
    @Test func zendeskPollsTicketsWhenTheMetricEventsAreRefused() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zendesk_metric_refused.json")
        let source = ZendeskSource(
            settings: Samples.zendesk(base), cursors: InMemoryCursorStore(), transport: vendor.transport, clock: VirtualClock())

        let first = try await source.poll()
        #expect(first.tickets.map(\.id).sorted() == ["201", "202"])
        // The metric set's reply time: 30 calendar minutes after creation.
        #expect(first.tickets.first { $0.id == "201" }?.firstResponseAt == Samples.time("2026-11-17T09:30:00Z"))
        #expect(first.tickets.first { $0.id == "202" }?.firstResponseAt == nil)
        #expect(first.problems.count == 1)
        let told = try #require(first.problems.first)
        #expect(told.recordID == nil)
        #expect(told.message.contains("reply history (ticket metric events) is unavailable"))
        #expect(told.message.contains("HTTP 403"))
        #expect(told.message.contains("next_reply has no cycles"))
        #expect(told.message.hasSuffix("; let the API user read incremental exports (an admin)"), "\(told.message)")
        #expect(!told.message.contains(Samples.token))

        let second = try await source.poll()
        #expect(second.tickets.count == 2)
        #expect(second.problems.isEmpty)

        // Back: the exact first response replaces nothing later than it, and recovery is told once.
        let third = try await source.poll()
        #expect(third.problems.map(\.message) == ["the reply history (ticket metric events) is available again"])
        #expect(third.tickets.first { $0.id == "201" }?.firstResponseAt == Samples.time("2026-11-17T09:29:10Z"))
        let fourth = try await source.poll()
        #expect(fourth.problems.isEmpty)
        // Every poll tried the endpoint again.
        let asked = try await vendor.records(token).filter { $0.path.hasSuffix("ticket_metric_events.json") }
        #expect(asked.count == 4)
    }
}

extension OptionalLookupTests {
    /// A 404 is an endpoint the service does not have (Zendesk's metric events on a plan
    /// without them), not a permission to give, as it was worded.
    @Test(arguments: [
        (403, "; let the API user read incremental exports (an admin)"),
        (404, "; the service has no such endpoint (its version or plan may lack it, or the source's url has a path too many)"),
    ])
    func aMissingEndpointIsNotWordedAsAPermission(status: Int, fix: String) throws {
        var lookup = OptionalLookup(source: "zendesk", what: "the reply history", meanwhile: "tickets are still polled",
                                    grant: "let the API user read incremental exports (an admin)")
        let error = SourceError(code: status == 404 ? .notFound : .authentication, source: "zendesk", host: "h", message: "m",
                                recoverable: false, status: status)
        let problem = lookup.refused(error)
        let told = try #require(problem)
        #expect(told.message == "the reply history is unavailable (the service answered HTTP \(status)); tickets are still polled\(fix)")
    }

    @Test func freshdeskPollsWhenTheDeletedListIsRefused() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("freshdesk_lists_refused.json")
        let source = FreshdeskSource(
            settings: Samples.freshdesk(base), cursors: InMemoryCursorStore(), transport: vendor.transport, clock: VirtualClock())
        let first = try await source.poll()
        #expect(first.tickets.map(\.id) == ["3"])
        #expect(first.problems.count == 1)
        #expect(first.problems.first?.message.contains("list of deleted tickets (filter=deleted) is unavailable") == true)
        #expect(first.problems.first?.message.contains("HTTP 403") == true)
        #expect(try await source.poll().problems.isEmpty)
        #expect(try await source.poll().problems.map(\.message) == ["the list of deleted tickets (filter=deleted) is available again"])
        #expect(try await source.poll().problems.isEmpty)
    }
}

extension OptionalLookupTests {
    @Test func zammadPollsWhenTagsNamesAndTablesAreRefused() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("zammad_lookups_refused.json")
        let source = ZammadSource(settings: Samples.zammad(base), transport: vendor.transport, clock: VirtualClock())
        let first = try await source.poll()
        let ticket = try #require(first.tickets.first)
        #expect(ticket.id == "22017")
        #expect(ticket.status == .open)
        #expect(ticket.priority == .high)
        #expect(ticket.customer.email == "carl@cust.example")
        #expect(ticket.customer.name == nil)
        #expect(first.problems.allSatisfy { $0.recordID == nil })
        let told = first.problems.map(\.message)
        #expect(told.count == 3, "\(told)")
        #expect(told.contains { $0.hasPrefix("the state and priority lookup") && $0.contains("HTTP 403") })
        #expect(told.contains { $0.hasPrefix("the tag lookup (/api/v1/tags) is unavailable") })
        let users = try #require(told.first { $0.hasPrefix("the customer lookup (/api/v1/users) is unavailable") })
        #expect(users.hasSuffix("; give the token's user the permission to read them"), "\(users)")

        let second = try await source.poll()
        #expect(second.tickets.first?.tags == ["mail"])
        #expect(second.tickets.first?.customer.name == "Carl Customer")
        #expect(Set(second.problems.map(\.message)) == [
            "the state and priority lookup (/api/v1/ticket_states, /api/v1/ticket_priorities) is available again",
            "the tag lookup (/api/v1/tags) is available again",
            "the customer lookup (/api/v1/users) is available again",
        ])
        #expect(try await source.poll().problems.isEmpty)
    }
}

extension OptionalLookupTests {
    @Test func jiraSearchesWithoutTheConfiguredFieldsWhenTheyAreRefused() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("jira_fields_refused.json")
        let source = JiraSource(settings: Samples.jira(base), transport: vendor.transport, clock: VirtualClock())
        let first = try await source.poll()
        #expect(first.tickets.map(\.id) == ["SUP-1"])
        #expect(first.tickets.first?.group == nil)
        #expect(first.problems.count == 1)
        #expect(first.problems.first?.message.hasPrefix("the search with the configured fields (customfield_10010, customfield_10050, customfield_10020) is unavailable (the service answered HTTP 400)") == true,
                "\(first.problems)")
        let second = try await source.poll()
        #expect(second.tickets.first?.group == "Network")
        #expect(second.problems.map(\.message) == ["the search with the configured fields (customfield_10010, customfield_10050, customfield_10020) is available again"])
        #expect(try await source.poll().problems.isEmpty)
        let searches = try await vendor.records(token).filter { $0.path == "/rest/api/3/search/jql" }
        #expect(searches.count == 4)
    }
}
