import Foundation
import SLAEngine
import Testing
@testable import TicketSources

@Suite struct ZendeskReplyHistoryTests {
    @Test func replyTimeInstancesBecomeTheConversationAndDriveNextReplyCycles() async throws {
        let vendor = try await FakeVendor.shared()
        let (_, base) = try await vendor.load("zendesk_replies.json")
        let clock = VirtualClock()
        let store = InMemoryCursorStore()
        let source = ZendeskSource(settings: Samples.zendesk(base), cursors: store, transport: vendor.transport, clock: clock)

        // First poll: instance 1 (creation → first reply) and the customer's follow-up that
        // opened instance 2. Instance 1's activate is the creation, not a message; ticket 999
        // is not held; other metrics and event types are not read.
        let first = try await source.poll()
        #expect(first.tickets.map(\.id) == ["201"])
        #expect(first.tickets[0].firstResponseAt == Samples.time("2026-11-17T09:30:00Z"))
        #expect(first.tickets[0].events == [
            TicketEvent(at: Samples.time("2026-11-17T09:30:00Z"), .agentReply(isPublic: true)),
            TicketEvent(at: Samples.time("2026-11-17T10:00:00Z"), .customerMessage),
        ])

        // Second poll: a newer version of the ticket, instance 2's activate read again, its
        // fulfilment, and a new follow-up (instance 3).
        let second = try await source.poll()
        let ticket = try #require(second.tickets.first)
        #expect(ticket.subject == "Invoice still missing")
        #expect(ticket.firstResponseAt == Samples.time("2026-11-17T09:30:00Z"))
        let history = [
            TicketEvent(at: Samples.time("2026-11-17T09:30:00Z"), .agentReply(isPublic: true)),
            TicketEvent(at: Samples.time("2026-11-17T10:00:00Z"), .customerMessage),
            TicketEvent(at: Samples.time("2026-11-17T10:40:00Z"), .agentReply(isPublic: true)),
            TicketEvent(at: Samples.time("2026-11-18T09:00:00Z"), .customerMessage),
        ]
        #expect(ticket.events == history)

        // The history is saved with the view, so a restart keeps it.
        let saved = try #require(store.cursor(source: "zendesk/view").flatMap(IncrementalView.decode))
        #expect(saved.tickets["201"]?.events == history)

        // The engine sees two next_reply cycles: the first met, the follow-up's still open.
        let engine = SLAEngine(policies: [Policy(name: "replies", targets: [nil: [.nextReply: 3600]])])
        let cycles = engine.clocks(for: ticket, at: clock.date()).filter { $0.metric == .nextReply }
        #expect(cycles.map(\.cycle) == [1, 2])
        #expect(cycles[0].startedAt == Samples.time("2026-11-17T10:00:00Z"))
        #expect(cycles[0].fulfilledAt == Samples.time("2026-11-17T10:40:00Z"))
        #expect(cycles[0].state == .met)
        #expect(cycles[1].startedAt == Samples.time("2026-11-18T09:00:00Z"))
        #expect(cycles[1].fulfilledAt == nil)
        #expect(cycles[1].state == .breached)
        #expect(cycles[1].elapsedSeconds == 2 * 3600 + 6 * 60 + 40)
    }

    @Test func aNewerVersionKeepsTheConversationButNotTheOldStatusEvents() {
        var view = IncrementalView()
        let created = Samples.time("2026-11-17T09:00:00Z")
        view.merge(Ticket(
            id: "7", status: .pendingCustomer, createdAt: created, updatedAt: Samples.time("2026-11-17T10:00:00Z"),
            events: [TicketEvent(at: Samples.time("2026-11-17T10:00:00Z"), .status(.pendingCustomer))]))
        view.addConversation([
            TicketEvent(at: Samples.time("2026-11-17T09:45:00Z"), .agentReply(isPublic: true)),
            TicketEvent(at: Samples.time("2026-11-17T09:20:00Z"), .customerMessage),
        ], ticketID: "7")
        let revision = view.revision
        view.addConversation([TicketEvent(at: Samples.time("2026-11-17T09:20:00Z"), .customerMessage)], ticketID: "7")
        #expect(view.revision == revision)

        view.merge(Ticket(id: "7", status: .open, createdAt: created, updatedAt: Samples.time("2026-11-17T11:00:00Z")))
        #expect(view.tickets["7"]?.events == [
            TicketEvent(at: Samples.time("2026-11-17T09:20:00Z"), .customerMessage),
            TicketEvent(at: Samples.time("2026-11-17T09:45:00Z"), .agentReply(isPublic: true)),
        ])
    }

    @Test func aReopenedTicketGetsBackItsFirstResponseAndConversationEvenAfterARestart() throws {
        var view = IncrementalView()
        let created = Samples.time("2026-11-17T09:00:00Z")
        let conversation = [
            TicketEvent(at: Samples.time("2026-11-17T09:30:00Z"), .agentReply(isPublic: true)),
            TicketEvent(at: Samples.time("2026-11-17T10:00:00Z"), .customerMessage),
            TicketEvent(at: Samples.time("2026-11-17T10:40:00Z"), .agentReply(isPublic: true)),
        ]
        view.merge(Ticket(
            id: "8", status: .solved, createdAt: created, updatedAt: Samples.time("2026-11-17T11:00:00Z"),
            firstResponseAt: Samples.time("2026-11-17T09:30:00Z"), events: conversation))
        _ = view.endPoll()
        view.beginPoll()
        #expect(view.tickets["8"] == nil)

        // Saved and loaded again, as across a restart.
        var loaded = try #require(IncrementalView.decode(view.encoded()))
        let followUp = TicketEvent(at: Samples.time("2026-11-18T08:00:00Z"), .customerMessage)
        loaded.merge(Ticket(id: "8", status: .open, createdAt: created, updatedAt: Samples.time("2026-11-18T08:00:00Z")))
        loaded.addConversation([followUp], ticketID: "8")
        #expect(loaded.tickets["8"]?.firstResponseAt == Samples.time("2026-11-17T09:30:00Z"))
        #expect(loaded.tickets["8"]?.events == conversation + [followUp])
    }
}
