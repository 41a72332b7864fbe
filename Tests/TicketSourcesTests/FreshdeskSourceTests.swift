import Foundation
import SLAEngine
import Testing
@testable import TicketSources

@Suite struct FreshdeskSourceTests {
    @Test func listsUpdatedTicketsFollowingTheLinkHeaderAndPacesOnALowBudget() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("freshdesk.json")
        let clock = VirtualClock()
        let store = InMemoryCursorStore()
        let source = FreshdeskSource(settings: Samples.freshdesk(base), cursors: store, transport: vendor.transport, clock: clock)

        let batch = try await source.poll()

        #expect(batch.tickets.map(\.id) == ["5", "1", "2", "4"])
        let t1 = batch.tickets[1]
        #expect(t1.subject == "Refund please")
        #expect(t1.status == .open)
        #expect(t1.priority == .urgent)
        #expect(t1.customer == Customer(id: "501", name: "Ben Buyer", email: "ben@corp.example"))
        #expect(t1.group == "9")
        #expect(t1.assignee == "77")
        #expect(t1.tags == ["refund"])
        #expect(t1.channel == "email")
        #expect(t1.url == "\(base)/a/tickets/1")
        #expect(t1.firstResponseAt == Samples.time("2026-11-16T08:30:00Z"))
        let t2 = batch.tickets[2]
        #expect(t2.status == .pendingCustomer)
        #expect(t2.priority == .normal)
        #expect(t2.customer.id == "502")
        #expect(t2.channel == "chat")
        #expect(t2.events == [TicketEvent(at: Samples.time("2026-11-16T10:00:00Z"), .status(.pendingCustomer))])
        // A custom status (7) no map names is open.
        #expect(batch.tickets[3].status == .open)
        #expect(batch.tickets[3].priority == .high)
        let t5 = batch.tickets[0]
        #expect(t5.status == .solved)
        #expect(t5.solvedAt == Samples.time("2026-11-17T12:00:00Z"))
        // Said once a poll, not once a ticket: the status is still taken as open.
        #expect(batch.problems.map(\.description) == [
            "freshdesk: ticket 3: missing \"created_at\"",
            "freshdesk: status \"7\" is not known, so its tickets are taken as open; if that is wrong, map it with status_map",
        ])

        // 429 waited for its HTTP date (30 s on); the budget of 1 paused the next page 10 s.
        #expect(clock.sleeps == [30, 10])
        let requests = try await vendor.records(token)
        #expect(requests.count == 5)
        #expect(requests[0].parameters == [
            "updated_since": "2026-10-19T11:06:40Z", "include": "stats,requester", "order_by": "updated_at",
            "order_type": "asc", "per_page": "100",
        ])
        #expect(requests[2].parameters["page"] == "2")
        // Then the deleted and spam lists, since the same instant.
        for (request, filter) in zip(requests[3...], ["deleted", "spam"]) {
            #expect(request.parameters == [
                "updated_since": "2026-10-19T11:06:40Z", "filter": filter, "order_by": "updated_at", "order_type": "asc",
                "per_page": "100",
            ])
        }
        let basic = "Basic " + Data("\(Samples.apiKey):X".utf8).base64EncodedString()
        #expect(requests.allSatisfy { $0.header("Authorization") == basic })
        #expect(store.cursor(source: "freshdesk") == "2026-11-17T12:00:00Z")

        // The next poll asks from the latest updated_at, which brings ticket 5 again: it was
        // reported resolved once and is not reported again.
        let next = try await source.poll()
        #expect(try await vendor.records(token).last?.parameters["updated_since"] == "2026-11-17T12:00:00Z")
        #expect(next.tickets.map(\.id) == ["1", "2", "4"])
        let third = try await source.poll()
        #expect(third.tickets.map(\.id) == ["1", "2", "4"])
        #expect(third.problems.isEmpty)
    }

    /// A next link back to a page already read was followed 299 times, each a request
    /// against the account's API quota, and the poll then counted as read.
    @Test func aNextLinkToAPageAlreadyReadFailsThePoll() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("freshdesk_link_loop.json")
        let source = FreshdeskSource(settings: Samples.freshdesk(base), cursors: InMemoryCursorStore(), transport: vendor.transport)
        let error = await #expect(throws: SourceError.self) { try await source.poll() }
        #expect(error?.code == .badResponse)
        #expect(error?.message.contains("the next-page link of page 2 points to a page already read") == true, "\(String(describing: error))")
        #expect(try await vendor.records(token).count == 2)
    }

    /// A list longer than one poll reads was cut at the last page without a word.
    @Test func aListLongerThanAPollReadsIsSaidToGoOnNextPoll() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("freshdesk_more_pages.json")
        var settings = Samples.freshdesk(base)
        settings.http.maxPages = 2
        let batch = try await FreshdeskSource(settings: settings, cursors: InMemoryCursorStore(), transport: vendor.transport).poll()
        #expect(batch.problems.map(\.description) == [
            "freshdesk: more tickets were updated than one poll reads (2 pages); the next poll reads on from the last one read",
        ])
    }

    @Test func aStatusMapNamesCustomStatuses() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("freshdesk.json")
        let mapping = CanonicalMapping(statuses: ["7": .onHold, "3": .onHold], priorities: ["3": .urgent])
        let source = FreshdeskSource(
            settings: Samples.freshdesk(base, mapping: mapping), cursors: InMemoryCursorStore(), transport: vendor.transport,
            clock: VirtualClock())
        let tickets = try await source.poll().tickets
        #expect(tickets.map(\.status) == [.solved, .open, .onHold, .onHold])
        #expect(tickets[3].priority == .urgent)
        #expect(tickets[2].events == [TicketEvent(at: Samples.time("2026-11-16T10:00:00Z"), .status(.onHold))])
    }

    @Test func aTicketDeletedOrMarkedSpamWhileOpenClosesOnceThenLeaves() async throws {
        let vendor = try await FakeVendor.shared()
        let (token, base) = try await vendor.load("freshdesk_deleted.json")
        let source = FreshdeskSource(
            settings: Samples.freshdesk(base), cursors: InMemoryCursorStore(), transport: vendor.transport, clock: VirtualClock())

        let first = try await source.poll()
        #expect(first.tickets.map(\.id) == ["1", "2", "3", "4"])
        #expect(first.tickets.allSatisfy { $0.status == .open })
        #expect(first.problems.isEmpty)

        // 1 was deleted and 2 marked spam: the plain list leaves them out, the filtered lists
        // (1 on the first page, 9 — never held — on the second) bring them, closed at their
        // updated_at. 4 is listed deleted without a time: a problem, and it stays.
        let second = try await source.poll()
        #expect(second.tickets.map(\.id) == ["1", "2", "3", "4"])
        #expect(second.tickets.map(\.status) == [.closed, .closed, .open, .open])
        #expect(second.tickets[0].solvedAt == Samples.time("2026-11-17T12:00:00Z"))
        #expect(second.tickets[0].updatedAt == Samples.time("2026-11-17T12:00:00Z"))
        #expect(second.tickets[1].solvedAt == Samples.time("2026-11-17T12:30:00Z"))
        #expect(second.tickets[0].subject == "Refund please")
        #expect(second.tickets[0].customer.id == "501")
        #expect(second.problems.map(\.description) == [
            "freshdesk: ticket 4: listed as deleted without a readable \"updated_at\"",
        ])
        let requests = try await vendor.records(token)
        #expect(requests.map { $0.parameters["filter"] } == [nil, "deleted", "spam", nil, "deleted", "deleted", "spam"])
        #expect(requests[4].parameters == [
            "updated_since": "2026-11-17T10:00:00Z", "filter": "deleted", "order_by": "updated_at", "order_type": "asc",
            "per_page": "100",
        ])
        #expect(requests[5].parameters["page"] == "2")

        // Reported closed once; the lists bring them again, but they are gone.
        let third = try await source.poll()
        #expect(third.tickets.map(\.id) == ["3", "4"])
    }
}
