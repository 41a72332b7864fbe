import Foundation
import Testing
import BusinessTime
@testable import SLAEngine

/// `group_response` clocks (operational level agreements) on the New York office calendar:
/// a ticket created Monday 2026-11-23 09:00 EST (14:00Z) in Support, answered in 30 minutes,
/// moved to Engineering at 10:00 EST (15:00Z), whose target is 2 business hours.
@Suite struct GroupResponseTests {
    static let sla = SLAEngine(policies: [
        Policy(name: "standard", calendar: usOffice, targets: [nil: [.firstResponse: hours(1), .resolution: hours(8)]],
               groupTargets: ["Engineering": hours(2)]),
    ])

    static func ticket(_ events: [(String, TicketEvent.Kind)], group: String = "Engineering") -> Ticket {
        let solved = events.contains { $0.1 == .status(.solved) }
        return Ticket(
            id: "T-7", status: solved ? .solved : .open, group: group, createdAt: at("2026-11-23T14:00:00Z"),
            events: [
                TicketEvent(at: at("2026-11-23T14:00:00Z"), .customerMessage),
                TicketEvent(at: at("2026-11-23T14:00:00Z"), .group("Support")),
                TicketEvent(at: at("2026-11-23T14:30:00Z"), .agentReply(isPublic: true)),
                TicketEvent(at: at("2026-11-23T15:00:00Z"), .group("Engineering")),
            ] + events.map { TicketEvent(at: at($0.0), $0.1) }
        )
    }

    @Test func threeBusinessHoursInEngineeringBreachItsTwoHourTargetWhileTheCustomerClocksAreMet() {
        // Engineering's first note comes at 13:00 EST (18:00Z), three business hours after it got the ticket.
        let ticket = Self.ticket([("2026-11-23T18:00:00Z", .agentReply(isPublic: false))])
        let before = Self.sla.clocks(for: ticket, at: at("2026-11-23T17:30:00Z"))
        let group = before.only(.groupResponse)
        #expect(group?.group == "Engineering")
        #expect(group?.startedAt == at("2026-11-23T15:00:00Z"))
        #expect(group?.dueAt == at("2026-11-23T17:00:00Z"))
        #expect(group?.state == .breached)
        #expect(before.only(.firstResponse)?.state == .met)
        #expect(before.only(.resolution)?.state == .running)

        let after = Self.sla.clocks(for: ticket, at: at("2026-11-23T19:00:00Z"))
        #expect(after.only(.groupResponse)?.state == .missed)
        #expect(after.only(.groupResponse)?.elapsedSeconds == hours(3))
        #expect(after.only(.firstResponse)?.state == .met)
        #expect(after.only(.resolution)?.state == .running)
    }

    @Test(arguments: [
        // Answered by a private note within 90 minutes: met.
        ("a note in time", [("2026-11-23T16:30:00Z", TicketEvent.Kind.agentReply(isPublic: false))], ClockState.met, "2026-11-23T16:30:00Z"),
        // Handed on to Billing (no target) after an hour: the cycle ends there, met.
        ("handed on", [("2026-11-23T16:00:00Z", .group("Billing"))], .met, "2026-11-23T16:00:00Z"),
        // Solved by someone else before Engineering answered.
        ("solved", [("2026-11-23T16:00:00Z", .status(.solved))], .met, "2026-11-23T16:00:00Z"),
    ])
    func fulfilment(_ name: String, events: [(String, TicketEvent.Kind)], state: ClockState, fulfilled: String) {
        let clocks = Self.sla.clocks(for: Self.ticket(events), at: at("2026-11-23T20:00:00Z"))
        #expect(clocks.only(.groupResponse)?.state == state, "\(name)")
        #expect(clocks.only(.groupResponse)?.fulfilledAt == at(fulfilled), "\(name)")
    }

    @Test func eachEntryIntoATargetedGroupIsACycle() {
        let ticket = Self.ticket([
            ("2026-11-23T15:30:00Z", .agentReply(isPublic: false)),
            ("2026-11-23T16:00:00Z", .group("Support")),
            ("2026-11-23T17:00:00Z", .group("engineering")),
        ])
        let clocks = Self.sla.clocks(for: ticket, at: at("2026-11-23T18:00:00Z")).filter { $0.metric == .groupResponse }
        #expect(clocks.map(\.cycle) == [1, 2])
        #expect(clocks.map(\.state) == [.met, .running])
        #expect(clocks[1].startedAt == at("2026-11-23T17:00:00Z"))
    }

    @Test func aTicketWithoutGroupEventsHasBeenInItsGroupSinceCreation() {
        let ticket = Ticket(id: "T-8", status: .open, group: "Engineering", createdAt: at("2026-11-23T14:00:00Z"))
        let clock = Self.sla.clocks(for: ticket, at: at("2026-11-23T15:00:00Z")).only(.groupResponse)
        #expect(clock?.startedAt == at("2026-11-23T14:00:00Z"))
        #expect(clock?.dueAt == at("2026-11-23T16:00:00Z"))
    }

    @Test func aGroupMoveObservedBetweenPollsStartsTheClock() {
        let ticket = Ticket(id: "T-8", status: .open, group: "Engineering", createdAt: at("2026-11-23T14:00:00Z"))
        let observed = [TicketEvent(at: at("2026-11-23T15:00:00Z"), .group("Engineering"))]
        let clock = Self.sla.clocks(for: ticket, observed: observed, at: at("2026-11-23T16:00:00Z")).only(.groupResponse)
        #expect(clock?.startedAt == at("2026-11-23T15:00:00Z"))
    }

    @Test func anExceptionThatPausesClocksPausesTheGroupsToo() {
        // Clocks stand still 10:30–11:30 EST (15:30Z–16:30Z): Engineering's 2 hours end an hour later.
        let outage = SLAException(name: "outage", from: at("2026-11-23T15:30:00Z"), until: at("2026-11-23T16:30:00Z"), pause: true)
        let sla = SLAEngine(
            policies: [Policy(name: "standard", calendar: usOffice, targets: [nil: [.firstResponse: hours(1)]],
                              groupTargets: ["Engineering": hours(2)])],
            exceptions: [outage]
        )
        #expect(sla.clocks(for: Self.ticket([]), at: at("2026-11-23T17:30:00Z")).only(.groupResponse)?.dueAt == at("2026-11-23T18:00:00Z"))
    }

    @Test func noGroupTargetsNoGroupClocks() {
        let plain = SLAEngine(policies: [Policy(name: "standard", calendar: usOffice, targets: [nil: [.firstResponse: hours(1)]])])
        #expect(plain.clocks(for: Self.ticket([]), at: at("2026-11-23T20:00:00Z")).map(\.metric) == [.firstResponse])
    }
}
