import Delivery
import Foundation
import SLAEngine
import Testing
@testable import TicketSources

@Suite struct ZammadSourceTests {
    @Test func searchesPageByPageResolvingStatesAndPriorities() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zammad.json")
        let source = ZammadSource(settings: Samples.zammad(base), transport: vendor.transport, clock: VirtualClock())

        let batch = try await source.poll()

        #expect(batch.tickets.map(\.id) == ["22017", "22018", "22019"])
        let t17 = batch.tickets[0]
        #expect(t17.subject == "Mail bounces")
        #expect(t17.status == .open)
        #expect(t17.priority == .urgent)
        #expect(t17.customer == Customer(id: "5", email: "carl@cust.example"))
        #expect(t17.group == "Users")
        #expect(t17.assignee == "agent@zammad.example")
        #expect(t17.channel == "email")
        #expect(t17.url == "\(base)/#ticket/zoom/17")
        #expect(t17.createdAt == Samples.time("2026-11-17T08:00:00Z"))
        #expect(t17.firstResponseAt == Samples.time("2026-11-17T08:12:30Z"))
        let t18 = batch.tickets[1]
        #expect(t18.status == .open)
        #expect(t18.customer == Customer(id: "6"))
        #expect(t18.assignee == nil)
        #expect(batch.tickets[2].status == .closed)
        #expect(batch.tickets[2].priority == .low)
        #expect(batch.tickets[2].solvedAt == Samples.time("2026-11-17T10:00:00Z"))
        #expect(batch.problems.map(\.description) == ["zammad: ticket 22020: created_at: \"not a time\" is not an RFC 3339 time"])

        let requests = try await vendor.records(token)
        #expect(requests.map(\.path) == [
            "/api/v1/ticket_states", "/api/v1/ticket_priorities",
            "/api/v1/tickets/search", "/api/v1/tickets/search", "/api/v1/tickets/search",
        ])
        #expect(requests[2].parameters == [
            "query": ZammadSource.defaultQuery, "page": "1", "per_page": "2", "expand": "true", "sort_by": "created_at",
            "order_by": "asc",
        ])
        #expect(requests.map { $0.parameters["page"] } == [nil, nil, "1", "2", "3"])
        #expect(requests.allSatisfy { $0.header("Authorization") == "Token token=\(Samples.zammadToken)" })
    }

    @Test func aStateMapNamesCustomStates() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("zammad.json")
        let mapping = CanonicalMapping(statuses: ["waiting on vendor": .onHold], priorities: ["4 urgent": .high])
        let source = ZammadSource(settings: Samples.zammad(base, mapping: mapping), transport: vendor.transport, clock: VirtualClock())
        let tickets = try await source.poll().tickets
        #expect(tickets.map(\.status) == [.open, .onHold, .closed])
        #expect(tickets[0].priority == .high)
    }
}
