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
        #expect(t17.customer == Customer(id: "5", name: "Carl Customer", email: "carl@cust.example"))
        #expect(t17.tags == ["mail", "bounce"])
        #expect(t17.group == "Users")
        #expect(t17.assignee == "agent@zammad.example")
        #expect(t17.channel == "email")
        #expect(t17.url == "\(base)/#ticket/zoom/17")
        #expect(t17.createdAt == Samples.time("2026-11-17T08:00:00Z"))
        #expect(t17.firstResponseAt == Samples.time("2026-11-17T08:12:30Z"))
        let t18 = batch.tickets[1]
        #expect(t18.status == .open)
        #expect(t18.customer == Customer(id: "6", name: "Dora"))
        #expect(t18.tags == [])
        #expect(t18.assignee == nil)
        #expect(batch.tickets[2].status == .closed)
        #expect(batch.tickets[2].priority == .low)
        #expect(batch.tickets[2].solvedAt == Samples.time("2026-11-17T10:00:00Z"))
        #expect(batch.tickets[2].customer == Customer(id: "5", name: "Carl Customer", email: "carl@cust.example"))
        #expect(batch.tickets[2].tags == [])
        #expect(batch.problems.map(\.description) == [
            "zammad: ticket 22020: created_at: \"not a time\" is not an RFC 3339 time",
            "zammad: ticket 22019: cannot read the tags (HTTP 404 (GET /\(token)/api/v1/tags): no such resource; check the source's url (and the ticket id,"
                + " for a write) (the service said: {\"error\": \"Couldn't find Ticket with 'id'=19\"}))",
            "zammad: state \"waiting on vendor\" is not known, so its tickets are taken as open; if that is wrong, map it with status_map",
        ])

        let requests = try await vendor.records(token)
        #expect(requests.map(\.path) == [
            "/api/v1/ticket_states", "/api/v1/ticket_priorities",
            "/api/v1/tickets/search", "/api/v1/tickets/search", "/api/v1/tickets/search",
            "/api/v1/tags", "/api/v1/users/5", "/api/v1/tags", "/api/v1/users/6", "/api/v1/tags",
        ])
        #expect(requests[5].parameters == ["object": "Ticket", "o_id": "17"])
        // The search asks for every state of the table that is not closed, a custom one
        // included: the stock query left a ticket "waiting on vendor" out once a day passed.
        #expect(requests[2].parameters == [
            "query": "state.name:(new OR open OR \"pending close\" OR \"pending reminder\" OR \"waiting on vendor\") OR updated_at:>now-1d",
            "page": "1", "per_page": "2", "expand": "true", "sort_by": "created_at", "order_by": "asc",
        ])
        #expect(requests.map { $0.parameters["page"] } == [nil, nil, "1", "2", "3", nil, nil, nil, nil, nil])
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

    @Test func tagsAndCustomersAreReadAgainOnlyForTicketsThatChanged() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("zammad.json")
        let source = ZammadSource(settings: Samples.zammad(base), transport: vendor.transport, clock: VirtualClock())
        _ = try await source.poll()
        let first = try await vendor.records(token).count

        // 22017 changed (a tag was added), 22018 changed hands to customer 7, 22019 did not
        // change but its tags could not be read last time. Customer 5 is still known.
        let second = try await source.poll()
        let requests = Array(try await vendor.records(token).dropFirst(first))
        #expect(requests.map(\.path) == [
            "/api/v1/ticket_states", "/api/v1/ticket_priorities",
            "/api/v1/tickets/search", "/api/v1/tickets/search", "/api/v1/tickets/search",
            "/api/v1/tags", "/api/v1/tags", "/api/v1/users/7", "/api/v1/tags",
        ])
        #expect(requests.compactMap { $0.parameters["o_id"] } == ["17", "18", "19"])
        #expect(second.tickets.map(\.tags) == [["mail", "bounce", "vip"], [], ["done"]])
        #expect(second.tickets[1].customer == Customer(id: "7", name: "Erik Example", email: "erik@cust.example"))
        #expect(second.tickets[0].customer == Customer(id: "5", name: "Carl Customer", email: "carl@cust.example"))
        // The tags still refused, and the custom state said again (once a poll).
        #expect(second.problems.count == 2)

        // Nothing changed: no lookup at all, and what was read before still shows.
        let third = try await source.poll()
        #expect(try await vendor.records(token).count == first + requests.count + 5)
        #expect(third.tickets.map(\.tags) == [["mail", "bounce", "vip"], [], ["done"]])
        #expect(third.tickets.map(\.customer.name) == ["Carl Customer", "Erik Example", "Carl Customer"])
    }
}
