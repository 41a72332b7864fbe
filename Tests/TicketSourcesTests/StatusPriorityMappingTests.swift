import Foundation
import SLAEngine
import Testing
@testable import TicketSources
import Transport

/// Each source's default status and priority vocabulary, and `status_map`/`priority_map`
/// overriding it, without a server.
@Suite struct StatusPriorityMappingTests {
    static func node(_ json: String) -> JSONValue { JSONValue.parse(Data(json.utf8))! }

    static let overrides = CanonicalMapping(
        statuses: ["hold": .pendingCustomer, "6": .onHold, "Waiting for customer": .onHold, "pending reminder": .pendingCustomer],
        priorities: ["low": .normal, "1": .normal, "Lowest": .normal, "1 low": .normal])

    static func zendesk(_ status: String, _ priority: String, mapping: CanonicalMapping = .identity) async throws -> Ticket {
        let source = ZendeskSource(
            settings: Samples.zendesk("http://127.0.0.1:1", mapping: mapping), cursors: InMemoryCursorStore(),
            transport: NoTransport())
        return try await source.ticket(
            from: node(#"{"id": 1, "status": "\#(status)", "priority": \#(priority), "created_at": "2026-11-17T08:00:00Z"}"#),
            ZendeskSource.SideLoads())
    }

    @Test(arguments: [
        ("new", #""urgent""#, TicketStatus.new, TicketPriority.urgent),
        ("open", #""high""#, .open, .high),
        ("pending", #""normal""#, .pendingCustomer, .normal),
        ("hold", #""low""#, .onHold, .low),
        ("solved", "null", .solved, .normal),
        ("closed", #""URGENT""#, .closed, .urgent),
        ("deleted", "null", .closed, .normal),
    ])
    func zendeskDefaults(status: String, priority: String, expectedStatus: TicketStatus, expectedPriority: TicketPriority)
        async throws
    {
        let ticket = try await StatusPriorityMappingTests.zendesk(status, priority)
        #expect(ticket.status == expectedStatus)
        #expect(ticket.priority == expectedPriority)
    }

    @Test func zendeskOverridesAndUnknownValues() async throws {
        let mapped = try await StatusPriorityMappingTests.zendesk("hold", #""low""#, mapping: StatusPriorityMappingTests.overrides)
        #expect(mapped.status == .pendingCustomer)
        #expect(mapped.priority == .normal)
        await #expect(throws: RecordFailure.self) { try await StatusPriorityMappingTests.zendesk("archived", "null") }
        let custom = try await StatusPriorityMappingTests.zendesk(
            "archived", #""p0""#, mapping: CanonicalMapping(statuses: ["archived": .closed], priorities: ["p0": .urgent]))
        #expect((custom.status, custom.priority) == (.closed, .urgent))
    }

    static func freshdesk(_ status: String, _ priority: String, mapping: CanonicalMapping = .identity) async throws -> Ticket {
        let source = FreshdeskSource(
            settings: Samples.freshdesk("http://127.0.0.1:1", mapping: mapping), cursors: InMemoryCursorStore(),
            transport: NoTransport())
        return try await source.ticket(
            from: node(#"{"id": 1, "status": \#(status), "priority": \#(priority), "created_at": "2026-11-17T08:00:00Z"}"#))
    }

    @Test(arguments: [
        ("2", "1", TicketStatus.open, TicketPriority.low),
        ("3", "2", .pendingCustomer, .normal),
        ("4", "3", .solved, .high),
        ("5", "4", .closed, .urgent),
        ("6", "null", .open, .normal),
        ("12", "2", .open, .normal),
    ])
    func freshdeskDefaults(status: String, priority: String, expectedStatus: TicketStatus, expectedPriority: TicketPriority)
        async throws
    {
        let ticket = try await StatusPriorityMappingTests.freshdesk(status, priority)
        #expect(ticket.status == expectedStatus)
        #expect(ticket.priority == expectedPriority)
    }

    @Test func freshdeskOverrides() async throws {
        let ticket = try await StatusPriorityMappingTests.freshdesk("6", "1", mapping: StatusPriorityMappingTests.overrides)
        #expect((ticket.status, ticket.priority) == (.onHold, .normal))
        await #expect(throws: RecordFailure.self) { try await StatusPriorityMappingTests.freshdesk("2", "9") }
    }

    static func jira(_ status: String, category: String = "indeterminate", _ priority: String, mapping: CanonicalMapping = .identity)
        throws -> Ticket
    {
        let source = JiraSource(settings: Samples.jira("http://127.0.0.1:1", mapping: mapping), transport: NoTransport())
        return try source.ticket(from: node(#"""
            {"key": "X-1", "fields": {"status": {"name": "\#(status)", "statusCategory": {"key": "\#(category)"}},
             "priority": \#(priority), "created": "2026-11-17T08:00:00.000+0000"}}
            """#))
    }

    @Test(arguments: [
        ("Open", "new", #"{"name": "Highest"}"#, TicketStatus.open, TicketPriority.urgent),
        ("Waiting for support", "indeterminate", #"{"name": "High"}"#, .open, .high),
        ("waiting for customer", "indeterminate", #"{"name": "Medium"}"#, .pendingCustomer, .normal),
        ("Resolved", "done", #"{"name": "Low"}"#, .solved, .low),
        ("Done", "done", #"{"name": "Lowest"}"#, .solved, .low),
        ("Closed", "done", "null", .closed, .normal),
        ("Shipped", "done", #"{"name": "Blocker"}"#, .solved, .urgent),
        ("Triage", "new", #"{"name": "P2"}"#, .open, .normal),
    ])
    func jiraDefaults(status: String, category: String, priority: String, expectedStatus: TicketStatus, expectedPriority: TicketPriority)
        throws
    {
        let ticket = try StatusPriorityMappingTests.jira(status, category: category, priority)
        #expect(ticket.status == expectedStatus)
        #expect(ticket.priority == expectedPriority)
    }

    @Test func jiraOverrides() throws {
        let ticket = try StatusPriorityMappingTests.jira(
            "Waiting for customer", #"{"name": "Lowest"}"#, mapping: StatusPriorityMappingTests.overrides)
        #expect((ticket.status, ticket.priority) == (.onHold, .normal))
    }

    static func zammad(_ state: String, _ priority: String, mapping: CanonicalMapping = .identity) throws -> Ticket {
        let source = ZammadSource(settings: Samples.zammad("http://127.0.0.1:1", mapping: mapping), transport: NoTransport())
        return try source.ticket(
            from: node(#"{"id": 1, "state_id": 1, "priority_id": 1, "created_at": "2026-11-17T08:00:00Z"}"#),
            states: ["1": state], priorities: ["1": priority])
    }

    @Test(arguments: [
        ("new", "1 low", TicketStatus.new, TicketPriority.low),
        ("open", "2 normal", .open, .normal),
        ("pending reminder", "3 high", .onHold, .high),
        ("pending close", "4 urgent", .pendingCustomer, .urgent),
        ("closed", "5 critical", .closed, .normal),
        ("merged", "2 normal", .closed, .normal),
        ("escalated to vendor", "high", .open, .high),
    ])
    func zammadDefaults(state: String, priority: String, expectedStatus: TicketStatus, expectedPriority: TicketPriority) throws {
        let ticket = try StatusPriorityMappingTests.zammad(state, priority)
        #expect(ticket.status == expectedStatus)
        #expect(ticket.priority == expectedPriority)
    }

    @Test func zammadOverrides() throws {
        let ticket = try StatusPriorityMappingTests.zammad("pending reminder", "1 low", mapping: StatusPriorityMappingTests.overrides)
        #expect((ticket.status, ticket.priority) == (.pendingCustomer, .normal))
    }
}
